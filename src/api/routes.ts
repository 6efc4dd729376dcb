import type { FastifyPluginAsync } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { authRoutes } from '../platform/auth/auth.routes.js';
import { auditRoutes } from '../platform/audit/audit.routes.js';
import type { Principal } from '../platform/auth/auth.service.js';
import { registryRoutes } from '../registry/registry.routes.js';
import { identityRoutes } from '../identity/identity.routes.js';
import { supervisionRoutes } from '../supervision/supervision.routes.js';
import { loanCostRoutes } from '../supervision/loan-cost.routes.js';
import { standardRoutes } from '../standard/standard.routes.js';
import { filingRoutes } from '../filing/filing.routes.js';
import { eventRoutes } from './events.routes.js';
import { rulebookRoutes } from '../rulebook/rulebook.routes.js';
import { monitoringRoutes } from '../monitoring/monitoring.routes.js';
import { screeningRoutes } from '../screening/screening.routes.js';
import { consentRoutes } from '../privacy/consent.routes.js';
import { dataRightsRoutes } from '../privacy/data-rights.routes.js';
import { creditRoutes } from '../credit/credit.routes.js';
import { evidenceRoutes } from '../evidence/evidence.routes.js';
import { complaintRoutes } from '../complaints/complaint.routes.js';
import { jurisdictionRef } from '../registry/registry.service.js';
import { createServices, type Services } from './services.js';

/** What the client is shown of a principal: the names of its jurisdiction or institution. */
function describePrincipal(services: Services) {
  return async (principal: Principal): Promise<Record<string, unknown>> => {
    if (principal.role === 'supervisor') return { ...principal, jurisdiction: jurisdictionRef(principal.jurisdictionCode) };
    if (principal.role === 'institution') {
      const institution = await services.registry.getInstitution(principal.institutionId);
      return { ...principal, institution: { uscc: institution.uscc, nameZh: institution.nameZh, nameEn: institution.nameEn } };
    }
    return { ...principal };
  };
}

/** Every capability's routes, under /v1. */
export function capabilityRoutes(platform: Platform, services: Services = createServices(platform)): FastifyPluginAsync {
  return async (app) => {
    await app.register(authRoutes(platform, describePrincipal(services)));
    await app.register(auditRoutes(platform));
    // Each capability's plugin receives only the services it uses.
    await app.register(registryRoutes({ registry: services.registry }));
    await app.register(identityRoutes({ identity: services.identity }));
    await app.register(supervisionRoutes({ supervision: services.supervision, registry: services.registry, identity: services.identity }));
    await app.register(loanCostRoutes({ loanCost: services.loanCost }));
    await app.register(standardRoutes());
    await app.register(filingRoutes({ filing: services.filing }));
    await app.register(rulebookRoutes({ rulebook: services.rulebook }));
    await app.register(monitoringRoutes({ monitoring: services.monitoring }));
    await app.register(screeningRoutes({ screening: services.screening }));
    await app.register(consentRoutes({ consent: services.consent }));
    await app.register(dataRightsRoutes({ dataRights: services.dataRights }));
    await app.register(creditRoutes({ credit: services.credit }));
    await app.register(evidenceRoutes({ evidence: services.evidence }));
    await app.register(complaintRoutes({ complaints: services.complaints }));
    await app.register(eventRoutes(platform));
  };
}
