import { analyzeK8s } from '../k8s/analyze-job';
import { listNamespaces, listResourceTypes } from '../k8s/resources';
import type { DomainHandlers, HandlerContext } from './types';

/**
 * The codec (the 437 KB schema table, yaml) loads on the first Kubernetes value, not at start-up:
 * requiring its chunk took 69 ms here. Node caches the module after that first load.
 */
const codec = () => import('../k8s/decode-service');
const summaries = () => import('../k8s/summaries');

/** One module per channel under ../k8s; this file only routes. */
export const k8sHandlers = (ctx: HandlerContext): DomainHandlers<'k8s'> => ({
  decode: async (req) => (await codec()).decodeForView(req),
  encode: async (req) => (await codec()).encodeForEdit(req),
  resources: (req) => listResourceTypes(ctx.connections.get(req.profileId), req.root),
  namespaces: (req) => listNamespaces(ctx.connections.get(req.profileId), req.prefix),
  summaries: async (req) => (await summaries()).summarize(ctx.connections.get(req.profileId), req.keys, req.revision),
  analyze: (req) => analyzeK8s(ctx.connections.get(req.profileId), req.root),
});
