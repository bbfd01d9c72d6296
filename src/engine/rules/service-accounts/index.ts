import type { Rule } from '../types';
import { legacyTokenSecret } from './legacy-token-secret';

export const serviceAccountRules: Rule[] = [legacyTokenSecret];
