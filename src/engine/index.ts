export { evaluate, findingId, renderMessage, placeholders, ruleOptions, compareFindings, expiredSentence } from './evaluate.js';
export type { EvaluateInput } from './evaluate.js';
export { defaultPolicy } from './policy.js';
export type { ResolvedPolicy, RulePolicy } from './policy.js';
export { compare } from './compare.js';
export type { Comparison, PreviousFindings } from './compare.js';
export { controlOutcomes } from './controls.js';
export { assertExceptions, exceptionProblems } from './exceptions.js';
