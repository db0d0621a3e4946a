import { z } from 'zod';

/**
 * How strong a suspect's evidence is: `proof` (the runtime's own leak detection), `strong`, `weak` (what a
 * burst in progress or a healthy pool looks like just as well). Strongest first.
 */
export const STRENGTHS = ['proof', 'strong', 'weak'] as const;
export const StrengthSchema = z.enum(STRENGTHS);
export type Strength = z.infer<typeof StrengthSchema>;

/** What a suspect's evidence rests on: growth over several snapshots, or one snapshot alone. */
export const EvidenceBasisSchema = z.enum(['trend', 'snapshot']);
export type EvidenceBasis = z.infer<typeof EvidenceBasisSchema>;
