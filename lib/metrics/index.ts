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
