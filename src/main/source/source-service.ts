import type { Frame } from '../../shared/model.js';
import type { FrameSource, SourceRootsInfo, SourceText, SourceVia } from '../../shared/source.js';
import { NotFoundError } from '../../shared/errors.js';
import { CodeOrigin } from '../dump/code-origin.js';
import type { SourceExcerpt } from '../analysis/report/source-excerpt.js';
import { gorootVersionNote } from './go-version.js';
import { resolveFrame, type Candidate } from './resolve-frame.js';
import { containedFile, readContainedText } from './source-files.js';
import { loadSourceLayout, type LoadedLayout } from './source-layout.js';

/**
 * Frames → local source files, for the app, `serve` and the report: the pure resolver's candidates
 * checked on disk (`source-files.ts`: real paths, containment, regular files, size cap). The roots come
 * from `rootsOf()` on every call (flags and project file, plus the app's settings, which may change),
 * the layout is reloaded when they change.
 */

const WHERE: Record<SourceVia, string> = {
  module: 'under the source roots',
  goroot: 'in the local GOROOT',
  modcache: 'in the local module cache',
};

/** The one message for a frame whose file cannot be read, whatever the reason (missing, outside, device, too large). */
export function unreadableMessage(frame: Frame, via: SourceVia | null): string {
  return `no readable source for ${frame.file}:${frame.line} ${via === null ? 'under the source roots, GOROOT or module cache' : WHERE[via]}`;
}

/** Files tried per frame at most: 500 frames × many roots × path suffixes must not become a file-system scan. */
const MAX_CANDIDATES_PER_FRAME = 64;

interface Found {
  candidate: Candidate;
  realPath: string;
}


export class SourceService {
  private loaded: { key: string; layout: Promise<LoadedLayout> } | null = null;

  constructor(
    private readonly rootsOf: () => readonly string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  private layout(): Promise<LoadedLayout> {
    const roots = this.rootsOf();
    const key = JSON.stringify(roots);
    if (this.loaded?.key !== key) this.loaded = { key, layout: loadSourceLayout(roots, this.env) };
    return this.loaded.layout;
  }

  /** Forget the layout (a GOROOT or module cache that appeared since): the next call looks again. */
  reload(): void {
    this.loaded = null;
  }

  private async find(frame: Frame, origin: CodeOrigin, loaded: LoadedLayout): Promise<{ found: Found | null; via: SourceVia | null; reason: string | null }> {
    const resolution = resolveFrame(frame, origin, loaded.layout);
    if ('reason' in resolution) return { found: null, via: null, reason: resolution.reason };
    for (const candidate of resolution.candidates.slice(0, MAX_CANDIDATES_PER_FRAME)) {
      const file = await containedFile(candidate.root, candidate.rel);
      if (file !== null) return { found: { candidate, realPath: file.realPath }, via: candidate.via, reason: null };
    }
    return { found: null, via: resolution.candidates[0]?.via ?? null, reason: null };
  }

  /** Each frame resolved, or why not; with the roots used and notes (another Go release locally, missing roots). */
  async resolve(frames: readonly Frame[]): Promise<{ frames: FrameSource[]; roots: SourceRootsInfo }> {
    const loaded = await this.layout();
    const origin = new CodeOrigin(frames);
    const out: FrameSource[] = [];
    for (const frame of frames) {
      const { found, via, reason } = await this.find(frame, origin, loaded);
      out.push({
        file: frame.file,
        line: frame.line,
        isResolved: found !== null,
        via,
        localPath: found?.realPath ?? null,
        reason: found !== null ? found.candidate.how : (reason ?? unreadableMessage(frame, via)),
      });
    }
    return { frames: out, roots: this.rootsInfo(loaded, origin) };
  }

  private rootsInfo(loaded: LoadedLayout, origin: CodeOrigin): SourceRootsInfo {
    const { layout, goroot } = loaded;
    const notes = [...loaded.notes];
    const versionNote = goroot === null ? null : gorootVersionNote(origin.knownGoroots, loaded.gorootVersion, goroot);
    if (versionNote !== null) notes.push(versionNote);
    return {
      modules: layout.modules.map((m) => ({ dir: m.dir, modulePath: m.modulePath })),
      goroot: goroot === null ? null : { dir: goroot, version: loaded.gorootVersion },
      modCache: layout.modCache,
      notes,
    };
  }

  /**
   * The frame's local file, whole (size-capped). `context` are other frames of the same dump (to learn
   * its GOROOT). Throws NotFoundError with {@link unreadableMessage} for every unreadable case.
   */
  async read(frame: Frame, context: readonly Frame[] = []): Promise<SourceText> {
    const loaded = await this.layout();
    const { found, via } = await this.find(frame, new CodeOrigin([frame, ...context]), loaded);
    const text = found === null ? null : await readContainedText(found.candidate.root, found.candidate.rel);
    if (found === null || text === null) throw new NotFoundError(unreadableMessage(frame, via));
    return { file: frame.file, line: frame.line, via: found.candidate.via, localPath: text.realPath, text: text.text, language: text.realPath.endsWith('.go') ? 'go' : 'plaintext' };
  }

  /** The resolved local file of a frame (for the editor), or NotFoundError as {@link read}. */
  async localPathOf(frame: Frame): Promise<string> {
    const loaded = await this.layout();
    const { found, via } = await this.find(frame, new CodeOrigin([frame]), loaded);
    if (found === null) throw new NotFoundError(unreadableMessage(frame, via));
    return found.realPath;
  }

  /** `around` lines either side of the frame's line, or null when its file cannot be read or is shorter. */
  async excerpt(frame: Frame, context: readonly Frame[], around = 2): Promise<SourceExcerpt | null> {
    let source: SourceText;
    try {
      source = await this.read(frame, context);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
    const all = source.text.split(/\r?\n/);
    if (frame.line < 1 || frame.line > all.length) return null;
    const first = Math.max(1, frame.line - around);
    return { frame, localPath: source.localPath, firstLine: first, lines: all.slice(first - 1, Math.min(all.length, frame.line + around)) };
  }
}
