import type { Rule } from '../types';

export const networkPolicyRules: Rule[] = [];
