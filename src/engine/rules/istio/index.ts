import type { Rule } from '../types';

export const istioRules: Rule[] = [];
