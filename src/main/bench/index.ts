// Entry of the benchmark bundle (out/main/bench.js), driven by bench/run.js under plain Node.
export { benchParseFile, peakResidentBytes } from './parse-bench.js';
export { runRecordingBench } from './recording-bench.js';
export { runUiBench } from './ui-bench.js';
export { runAnalysisBench } from './analysis-bench.js';
export { runFleetBench } from './fleet-bench.js';
export { runLabelsBench } from './labels-bench.js';
export { runDayOnlyBench, runScaleBench } from './scale-bench.js';
export { runUiScaleBench } from './ui-scale-bench.js';
export { runDayBench } from './day-bench.js';
