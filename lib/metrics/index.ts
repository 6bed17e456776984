export {
  averagePrecisionAtK,
  coverageAtK,
  evaluateRanking,
  hitRateAtK,
  mapAtK,
  ndcgAtK,
  ndcgOne,
  precisionAtK,
  recallAtK,
  type Lists,
  type MetricReport,
  type Truth,
} from './ranking';
export { bootstrapMean, pairedDifference, verdictOf, type BootstrapOptions, type Interval, type PairedDifference, type Verdict } from './bootstrap';
