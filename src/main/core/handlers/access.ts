import { AccessService } from '../etcd/auth';
import { toBuffer } from '../etcd/bytes';
import type { DomainHandlers, HandlerContext } from './types';

/** Users, roles, auth on/off. Passwords go to etcd only (the guard's log redacts the request's strings too). */
export const accessHandlers = ({ connections }: HandlerContext): DomainHandlers<'access'> => {
  const access = (profileId: string) => new AccessService(connections.get(profileId).session);
  return {
    overview: (req) => access(req.profileId).overview(),
    mine: (req) => access(req.profileId).mine(),
    addUser: (req) => access(req.profileId).addUser(req.name, req.password),
    changePassword: (req) => access(req.profileId).changePassword(req.name, req.password),
    deleteUser: (req) => access(req.profileId).deleteUser(req.name),
    grantRole: (req) => access(req.profileId).grantRole(req.user, req.role),
    revokeRole: (req) => access(req.profileId).revokeRole(req.user, req.role),
    addRole: (req) => access(req.profileId).addRole(req.name),
    deleteRole: (req) => access(req.profileId).deleteRole(req.name),
    grantPermission: (req) => access(req.profileId).grantPermission(req),
    revokePermission: (req) => access(req.profileId).revokePermission(req.role, toBuffer(req.key), toBuffer(req.rangeEnd)),
    planEnable: (req) => access(req.profileId).planEnable(),
    enable: (req) => access(req.profileId).enable(),
    disable: (req) => access(req.profileId).disable(),
  };
};
