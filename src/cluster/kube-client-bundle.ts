// Entry of dist/kube-client.js: @kubernetes/client-node bundled on its own, so the extension and
// the CLI bundles load it with require() on the first cluster call instead of parsing it at startup.
export * from '@kubernetes/client-node';
