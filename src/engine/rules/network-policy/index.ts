import type { Rule } from '../types';
import { calicoNetsOnly } from './calico-nets-only';
import { ciliumCidrWithoutAuth } from './cilium-cidr-without-auth';
import { ipBlockOnly } from './ip-block-only';

export const networkPolicyRules: Rule[] = [ipBlockOnly, ciliumCidrWithoutAuth, calicoNetsOnly];
