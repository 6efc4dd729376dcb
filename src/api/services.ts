import type { Platform } from '../platform/platform.js';
import type { Capability } from '../platform/capability.js';
import { RegistryService } from '../registry/registry.service.js';
import { IdentityService } from '../identity/identity.service.js';
import { FilingService } from '../filing/filing.service.js';
import { SupervisionService } from '../supervision/supervision.service.js';
import { LoanCostService } from '../supervision/loan-cost.service.js';
import { RulebookService } from '../rulebook/rulebook.service.js';
import { MonitoringService } from '../monitoring/monitoring.service.js';
import { ScreeningService } from '../screening/screening.service.js';
import { SmsGatewayChannel } from '../screening/reminders.js';
import { ConsentService } from '../privacy/consent.service.js';
import { CreditService } from '../credit/credit.service.js';
import { DataRightsService } from '../privacy/data-rights.service.js';
import { complaintData, creditData, evidenceData, screeningData } from './personal-data.js';
import { EvidenceService } from '../evidence/evidence.service.js';
import { ComplaintService } from '../complaints/complaint.service.js';

/**
 * One instance of each capability's service, built once per process. Capabilities reach each
 * other only through these.
 */
export interface Services {
  platform: Platform;
  registry: RegistryService;
  identity: IdentityService;
  filing: FilingService;
  supervision: SupervisionService;
  loanCost: LoanCostService;
  rulebook: RulebookService;
  monitoring: MonitoringService;
  screening: ScreeningService;
  consent: ConsentService;
  credit: CreditService;
  dataRights: DataRightsService;
  evidence: EvidenceService;
  complaints: ComplaintService;
}

/** Build every capability's service over the platform; `log` receives what runs in the background (load retries). */
export function createServices(platform: Platform, options: { log?: (line: string) => void } = {}): Services {
  const registry = new RegistryService(platform);
  const identity = new IdentityService(platform, registry);
  const filing = new FilingService(platform, registry, options.log ? { log: options.log } : {});
  const rulebook = new RulebookService(platform);
  const evidence = new EvidenceService(platform, identity);
  const complaints = new ComplaintService(platform, registry, identity, evidence);
  const supervision = new SupervisionService(platform, registry, filing, rulebook, complaints);
  const loanCost = new LoanCostService(platform, registry, rulebook);
  const monitoring = new MonitoringService(platform, registry, rulebook, filing);
  const sms = platform.config.smsGatewayUrl ? [new SmsGatewayChannel(platform.config.smsGatewayUrl, platform.config.publicUrl ?? `http://127.0.0.1:${platform.config.port}`)] : [];
  const streamNames = { stream: platform.config.screeningStream, subjects: platform.config.screeningStream.toLowerCase().replace(/_/g, '.') };
  const screening = new ScreeningService(platform, registry, rulebook, identity, supervision, { channels: sms, streamNames, sweepMs: platform.config.screeningSweepMs });
  const consent = new ConsentService(platform, registry, identity);
  const credit = new CreditService(platform, registry, filing, identity, consent);
  const dataRights = new DataRightsService(platform, identity, consent, [creditData(credit), screeningData(screening), complaintData(complaints), evidenceData(evidence)]);
  return { platform, registry, identity, filing, supervision, loanCost, rulebook, monitoring, screening, consent, credit, evidence, complaints, dataRights };
}

/**
 * The capabilities with a start and stop step, in the order they start. A capability that
 * subscribes to events adds itself here; `startCapabilities` starts them before the event relay.
 */
export function capabilities(services: Services): Capability[] {
  return [services.rulebook.capability(), services.monitoring.capability(), services.screening.capability(), services.credit.capability()];
}
