import type { Rule } from '../types';

export const linkerdRules: Rule[] = [];
