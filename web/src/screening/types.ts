/** Shapes of the screening API as the pages read them, from the server's own types. */
export type { DecisionView, ReasonView, ScreeningStats } from '../../../src/screening/screening.service.js';
export type { ReminderView } from '../../../src/screening/reminders.js';
export type { DecisionStatus, FinalDecision, Outcome, ReminderStatus } from '../../../src/screening/screening.schema.js';
export type { Decision } from '../../../src/screening/engine.js';
