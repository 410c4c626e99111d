import { analyzeK8s } from '../k8s/analyze-job';
import { decodeForView, encodeForEdit } from '../k8s/decode-service';
import { listNamespaces, listResourceTypes } from '../k8s/resources';
import { summarize } from '../k8s/summaries';
import type { DomainHandlers, HandlerContext } from './types';

/** One module per channel under ../k8s; this file only routes. */
export const k8sHandlers = (ctx: HandlerContext): DomainHandlers<'k8s'> => ({
  decode: (req) => decodeForView(req),
  encode: (req) => encodeForEdit(req),
  resources: (req) => listResourceTypes(ctx.connections.get(req.profileId), req.root),
  namespaces: (req) => listNamespaces(ctx.connections.get(req.profileId), req.prefix),
  summaries: (req) => summarize(ctx.connections.get(req.profileId), req.keys, req.revision),
  analyze: (req) => analyzeK8s(ctx.connections.get(req.profileId), req.root),
});
