export type {
  BinaryNode,
  CallNode,
  Compare,
  CompareOp,
  DiceExpression,
  DiceModifiers,
  DiceNode,
  GroupModifiers,
  GroupNode,
  Keep,
  KeepMode,
  NegateNode,
  Node,
  NumberNode,
  Sides,
} from './ast.ts'
export { faceRange } from './ast.ts'
export { DiceError, type DiceErrorCode, type DiceErrorInfo, diceErrorBody } from './errors.ts'
export {
  commit,
  type FairMismatch,
  type FairOutcome,
  type FairRandom,
  type FairRollRecord,
  type FairSeeds,
  type FairVerification,
  fairRandom,
  fairRoll,
  newServerSeed,
  verify,
} from './fairness.ts'
export { dieText, formatNumber, renderBreakdown } from './format.ts'
export {
  expandInline,
  findInlineRolls,
  type InlineExpansion,
  type InlineSegment,
  inlineText,
} from './inline.ts'
export { type DiceLimits, defaultDiceLimits } from './limits.ts'
export { parse, tryParse } from './parser.ts'
export { printNotation } from './print.ts'
export { type DiceRange, diceRange } from './range.ts'
export type * from './result.ts'
export { type DiceOutcome, roll, tryRoll } from './roller.ts'
