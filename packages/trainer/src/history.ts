// One row per epoch in the training history (also one JSONL line in metrics.jsonl).
export interface EpochRecord {
  epoch: number;
  step: number;
  lr: number;
  trainLoss: number;
  trainMetric?: number;
  valLoss?: number;
  valMetric?: number;
  /** Further validation metrics (e.g. somaRmse on NeuronIO). */
  valExtra?: Record<string, number>;
  testLoss?: number;
  testMetric?: number;
  seconds: number;
  samplesPerSecond: number;
}
