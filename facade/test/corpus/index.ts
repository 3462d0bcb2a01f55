// The comparison corpus: a monolith/service pair of fixture servers with a known truth per
// endpoint and field, the traffic to drive through a facade, and the score of its report.
//   const pair = await startCorpusPair();            // route `/corpus/**` to pair.service.url
//   await driveCorpus(facadeUrl, { perEndpoint: 10 });
//   console.log(formatScore(scoreCorpus(findingsFromTheReport)));
export { CORPUS, CORPUS_COMPARE, CORPUS_FIXTURES, CORPUS_PREFIX, corpusOf, endpointKey, manifestProblems } from './manifest';
export { startCorpusPair, startCorpusServer, type CorpusPair, type CorpusServer } from './servers';
export { driveCorpus, type DriveFailure, type DriveOptions, type DriveResult } from './driver';
export { formatScore, scoreCorpus } from './score';
export { fieldIn, fieldOf } from './fields';
export { MONOLITH, SERVICE, type SideProfile } from './side';
export type { CorpusFixture, CorpusRequest, Reply } from './fixture';
export { CATEGORIES, type CategoryScore, type Category, type CorpusEndpoint, type CorpusMethod, type FalseAlarm, type Finding, type Miss, type Score } from './types';
