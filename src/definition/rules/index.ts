/** All rule families, in the order their findings are reported. */
import { adviceRules } from './advice.js';
import { apiShapeRules } from './apiShape.js';
import type { Rule } from './context.js';
import { expressionRules } from './expressionRules.js';
import { fieldRules } from './fields.js';
import { identityRules } from './identity.js';
import { parameterRules } from './parameters.js';
import { scheduleRules } from './schedules.js';

export const ALL_RULES: readonly Rule[] = [
  ...apiShapeRules,
  ...identityRules,
  ...fieldRules,
  ...scheduleRules,
  ...parameterRules,
  ...expressionRules,
  ...adviceRules,
];

export { C } from './codes.js';
export type { CheckOptions, Rule } from './context.js';
export { OBJECT_TYPES, KNOWN_TYPES } from './objectTypes.js';
export { LIMITS } from './apiShape.js';
