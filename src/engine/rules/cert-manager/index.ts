import type { Rule } from '../types';

export const certManagerRules: Rule[] = [];
