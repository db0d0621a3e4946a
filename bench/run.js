#!/usr/bin/env node
// `npm run bench`: speed and memory figures for the targets the issues set. Runs the built bundle
// (out/main/bench.js) under plain Node; memory is measured in a fresh child process per input.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = process.env.GOROSCOPE_CORPUS ?? resolve(repo, '..', 'shared', 'corpus');
const bundle = join(repo, 'out', 'main', 'bench.js');
const large = join(corpus, 'generated', '11-large-50k-leak');
const inputs = ['t1.debug2.txt', 't1.debug1.txt', 't1.debug0.pb.gz'].map((f) => join(large, f));

if (!existsSync(bundle)) throw new Error('out/main/bench.js missing: run `npm run build` first');
for (const f of inputs) if (!existsSync(f)) throw new Error(`corpus file missing: ${f} (set GOROSCOPE_CORPUS)`);

const bench = await import(bundle);
const mb = (n) => (n / 1e6).toFixed(1);
// `npm run bench -- scale ui`: only the sections whose name contains one of the words (all by default).
const only = process.argv.slice(2).map((w) => w.toLowerCase());
const wanted = (name) => only.length === 0 || only.some((w) => name.toLowerCase().includes(w));

if (wanted('parse')) console.log('# Parse + group (issue 3: 14 MB debug=2 dump < 150 ms, peak memory < 4x input)');
for (const file of wanted('parse') ? inputs : []) {
  const t = bench.benchParseFile(file);
  const peakOf = (shouldParse) =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e',
        `const b = await import(${JSON.stringify(bundle)}); console.log(b.peakResidentBytes(${JSON.stringify(file)}, ${shouldParse}));`,
      ]).toString(),
    );
  // Median of three pairs: resident-set peaks move by a few MB between runs.
  const diffs = [0, 1, 2].map(() => peakOf(true) - peakOf(false)).sort((a, b) => a - b);
  const peak = { peakBytes: Math.max(0, diffs[1]), ratio: Math.max(0, diffs[1]) / t.bytes };
  const name = file.split('/').pop();
  console.log(
    `${name.padEnd(18)} ${mb(t.bytes).padStart(6)} MB  ${String(t.goroutines).padStart(6)} goroutines  ${String(t.groups).padStart(3)} groups  ` +
      `median ${t.medianMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)})  ${t.mbPerSec.toFixed(0)} MB/s  ` +
      // A ratio to a few-KB input says nothing (fixed costs dominate): only the large input gets one.
      `peak +${mb(peak.peakBytes)} MB${t.bytes >= 1e6 ? ` = ${peak.ratio.toFixed(2)}x input` : ''}`,
  );
}

for (const [name, fn] of [['Recording (issue 4)', 'runRecordingBench'], ['Labels in the history (issue 12)', 'runLabelsBench'], ['Analysis (issue 5)', 'runAnalysisBench'], ['UI in Chromium (issue 6)', 'runUiBench'], ['UI 200k: 200,000 goroutines in Chromium (issue 18)', 'runUiScaleBench'], ['Fleet (issue 15)', 'runFleetBench'], ['Scale: 200,000 goroutines and a day of 1 s ticks (issue 18)', 'runScaleBench'], ['Timeline of a day of 1 s ticks only (issue 18; also in Scale)', 'runDayOnlyBench']]) {
  if (typeof bench[fn] !== 'function' || !wanted(name)) continue;
  // The day alone is part of Scale: run only when named (`npm run bench -- timeline`).
  if (fn === 'runDayOnlyBench' && only.length === 0) continue;
  console.log(`\n# ${name}`);
  const figures = await bench[fn]();
  for (const [k, v] of Object.entries(figures)) console.log(`${k}: ${v}`);
}
