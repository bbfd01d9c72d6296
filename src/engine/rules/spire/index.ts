import type { Rule } from '../types';

export const spireRules: Rule[] = [];
