/**
 * Names shared by run-extension-host.ts and the suite for its second pass, which runs the Restricted
 * Mode tests in a server with workspace trust turned on. This module is loaded in both processes, so
 * it contains constants only.
 */

/** Set (to "1") only in the Restricted Mode pass; the Restricted Mode tests register only then. */
export const RESTRICTED_MODE_VARIABLE = 'TRUST_ANCHOR_RESTRICTED_MODE';

/** Title of the Restricted Mode suite, which the runner's grep for the second pass selects. */
export const RESTRICTED_SUITE_TITLE = 'cluster commands in Restricted Mode';
