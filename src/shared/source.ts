import { z } from 'zod';
import { FrameSchema } from './model.js';

/**
 * Source mapping over the contract (`source.*` requests): which local file a frame of a dump names,
 * its text, and the editor that opens it. A frame's path is dump content, untrusted: the main process
 * resolves it again for every request and reads only under the source roots, the local GOROOT and the
 * module cache, so a client never names a local path itself.
 */

/** Where a resolved frame's file came from. */
export const SourceViaSchema = z.enum(['module', 'goroot', 'modcache']);
export type SourceVia = z.infer<typeof SourceViaSchema>;

/** One frame mapped (or not) to a local file, with why. */
export const FrameSourceSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  isResolved: z.boolean(),
  via: SourceViaSchema.nullable(),
  /** The local file (after symlinks), or null when not resolved. */
  localPath: z.string().nullable(),
  /** Resolved: how (`module example.com/svc in ~/svc`); not resolved: why not. */
  reason: z.string(),
});
export type FrameSource = z.infer<typeof FrameSourceSchema>;

/** The places files are read from, as the main process sees them. */
export const SourceRootsInfoSchema = z.object({
  modules: z.array(z.object({ dir: z.string(), modulePath: z.string().nullable() })),
  goroot: z.object({ dir: z.string(), version: z.string().nullable() }).nullable(),
  modCache: z.string().nullable(),
  /** Things worth saying: a GOROOT of another Go version than the dump's, a root that is missing. */
  notes: z.array(z.string()),
});
export type SourceRootsInfo = z.infer<typeof SourceRootsInfoSchema>;

/** `vscode` runs `code -g file:line`, `goland` runs `goland --line N file`, `custom` the template. */
export const EditorKindSchema = z.enum(['vscode', 'goland', 'custom']);
export type EditorKind = z.infer<typeof EditorKindSchema>;

/** The app's source settings (kept beside the history file). */
export const SourceSettingsSchema = z.strictObject({
  /** Local checkouts of the services' own modules. */
  roots: z.array(z.string().min(1).max(4096)).max(50).default([]),
  editor: EditorKindSchema.default('vscode'),
  /** For `custom`: a program and its arguments, split on spaces, with `{file}` and `{line}`: `subl {file}:{line}`. */
  commandTemplate: z.string().max(1000).nullable().default(null),
});
export type SourceSettings = z.infer<typeof SourceSettingsSchema>;

export const SourceRequestFrameSchema = FrameSchema.extend({
  func: z.string().max(4096),
  file: z.string().max(4096),
});

export const SourceTextSchema = z.object({
  file: z.string(),
  line: z.number().int().nonnegative(),
  via: SourceViaSchema,
  localPath: z.string(),
  /** The whole file (size-capped). */
  text: z.string(),
  language: z.enum(['go', 'plaintext']),
});
export type SourceText = z.infer<typeof SourceTextSchema>;
