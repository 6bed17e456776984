/** Neural recommenders: two-tower, MF with dense towers, item-to-item similarity. */
export { DEFAULT_MF, DEFAULT_TWO_TOWER, NonFiniteLossError, TowersInputError } from './types';
export type { CategoricalFeature, EpochReport, LookupMode, MfConfig, MfData, NegativeSource, OptimizerName, TowerEmbeddings, TwoTowerConfig, TwoTowerData, TwoTowerEngine, TwoTowerLoss } from './types';
export { validateMf, validateTwoTower, twoTowerBatches, stepsPerEpoch } from './batches';
export { lookup } from './lookup';
export { kernelApplies, towersKernelAvailable } from './kernel';
export type { NamedWeight, TrainHooks } from './loop';
export { initTwoTowerWeights, trainTwoTower, TwoTowerModel, type TwoTowerCheckpoint, type TwoTowerTrainOptions } from './twotower';
export { initMfWeights, MfModel, trainMf } from './mf';
export { mostPopular, popularityForUsers, randomForUsers, recommendForUsers, similarItems, topK } from './recommend';
export { evaluateEmbeddings, evaluatePopularity, evaluateRandom, positivesFromSplit, testPositives } from './evaluate';
export { plantedInteractions, type PlantedOptions } from './fixtures';
export { formatEpochLine, parseEpochLine } from './progress';
