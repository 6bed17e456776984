/**
 * Hybrid recommendations and their fallbacks (the H&M seed notebooks'
 * pipeline), evaluation lists per strategy and the Kaggle submission file.
 * Plain functions over dense ids; Neo4j plugs in through `HybridPorts`.
 */
export { REC_SOURCES, RecsInputError, type CandidateRanker, type History, type ItemNeighbours, type RecList, type RecSource, type ScoredItems } from './types';
export { boughtBy, buyersOf, countDailyPurchases, historyBefore, type Buyers } from './history';
export { neighboursByItem, similarCandidates } from './neighbours';
export { filterByPlace, type Places } from './filter';
export { coPurchaseFor, coPurchaseScorer } from './copurchase';
export { popularBefore } from './popularity';
export { blend, sourceCounts, type SourceList } from './blend';
export { hybridRecommend, memoryPorts, type HybridOptions, type HybridPorts, type HybridStats } from './hybrid';
export { leakedPairs, modelLists, popularityLists, sampleTruth, similarLists, testTruth } from './strategies';
export { articleId10, checkSubmission, submissionCsv, SUBMISSION_HEADER, type SubmissionProblem } from './submission';
export { crossChecked, graphPorts, type Agreement, type GraphQueries } from './graph-ports';
