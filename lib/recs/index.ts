/**
 * Hybrid recommendations and their fallbacks (the H&M seed notebooks'
 * pipeline), evaluation lists per strategy and the Kaggle submission file;
 * the as-of backtest (one date split, rolling weekly cutoffs, bootstrap
 * intervals, baselines as strategies) and the two-stage recommender
 * (candidates from many sources, features for a gradient-boosted ranker).
 * Plain functions over dense ids; Neo4j plugs in through `HybridPorts`.
 */
export { REC_SOURCES, RecsInputError, type CandidateRanker, type History, type ItemNeighbours, type RecList, type RecSource, type ScoredItems } from './types';
export { boughtBy, buyersOf, countDailyPurchases, historyBefore, type Buyers } from './history';
export { neighboursByItem, similarCandidates } from './neighbours';
export { filterByPlace, type Places } from './filter';
export { COPURCHASE_CACHED_ITEMS, coPurchaseFor, coPurchaseScorer, type CoPurchasePaths } from './copurchase';
export { popularBefore } from './popularity';
export { blend, sourceCounts, type SourceList } from './blend';
export { hybridRecommend, memoryPorts, type HybridOptions, type HybridPorts, type HybridStats } from './hybrid';
export { leakedPairs, modelLists, popularityLists, sampleTruth, similarLists, testTruth } from './strategies';
export { articleId10, checkSubmission, submissionCsv, SUBMISSION_HEADER, type SubmissionProblem } from './submission';
export { crossChecked, graphPorts, type Agreement, type GraphQueries } from './graph-ports';
export { dateSplit, isTestDay, isTrainDay, toDay, weeklyCutoffs, type DateSplit } from './backtest/split';
export { asOfView, completeList, outOfPool, productCodes, type AsOfView, type CatalogView } from './backtest/asof';
export {
  AsOfViolation, backtest, FitCache,
  type BacktestOptions, type BacktestResult, type Recommender, type Strategy, type StrategyResult, type WeekScores,
} from './backtest/backtest';
export {
  ageBand, agePopularityStrategy, baselineStrategies, boughtTogetherStrategy, popularityStrategy, randomStrategy,
  repurchaseStrategy, repurchaseTrendingStrategy, trendingStrategy,
} from './backtest/baselines';
export {
  boughtTogetherCounts, boughtTogetherScores, kaggleDecay, rankPool, trendingScores, trendValues, weeklyCounts, type PairCounts,
} from './backtest/signals';
export { alsFits, alsStrategy, alsTop, BACKTEST_ALS, hybridStrategy, poolNeighbours, seedHybridStrategy, type AlsSettings } from './backtest/models';
export { syntheticShop, type ShopOptions } from './backtest/fixture';
export { twoStageContext, type ContextOptions, type TwoStageContext } from './twostage/context';
export {
  CANDIDATE_SOURCES, candidateGroups, candidateRecall, candidateSources, DEFAULT_LIMITS, generateCandidates, labelCandidates, TWO_TOWER_SOURCE,
  type BaseSource, type CandidateLimits, type CandidateSet, type CandidateSource, type SourceRecall,
} from './twostage/candidates';
export { buildFeatures, FEATURE_NAMES, featureNames, type FeatureMatrix } from './twostage/features';
export {
  CANDIDATE_CHUNK, contextOf, capRows, joinRows, labelledBlock, labelledWeek, pooledRecall, poolRecall, rankedLists, rankerData, trainingRows, twoStageStrategy, type PooledRecall,
  type RankerData, type RankerFit, type TrainingBlock, type TrainingRows, type TwoStageOptions, type WeekData,
} from './twostage/pipeline';
export { packedTransfer, packRecsData, unpackRecsData, type PackedRecsData, type UnpackedRecsData } from './evaluate/pack';
export { checkSettings, DEFAULT_MAX_TRAIN_ROWS, DEMO_RANKER, gbdtParams, VALIDATED_RANKER, type EvaluationSettings, type RankerSettings } from './evaluate/settings';
export { runEvaluation, testCutoffs, type EvaluationReport, type RunOptions, type StrategyReport } from './evaluate/run';
export { explainCustomer, FILL_BIT, type Explanation } from './evaluate/explain';
