import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Decision, DecisionStatus, ReminderStatus } from './types.js';

const decisionColours: Record<Decision, string> = { allow: 'green', confirm: 'gold', review: 'orange', block: 'red' };
const statusColours: Record<DecisionStatus, string> = { decided: 'default', awaiting_consumer: 'processing', confirmed: 'success', rejected: 'error', expired: 'warning' };
const reminderColours: Record<ReminderStatus, string> = { pending: 'processing', confirmed: 'success', rejected: 'error', expired: 'default' };

/** The colours of the decisions in charts, the same as their tags. */
export const decisionChartColours: Record<Decision, string> = { allow: '#389e0d', confirm: '#d4b106', review: '#d46b08', block: '#cf1322' };

/** A screening decision (or a final action) as a coloured tag. */
export function DecisionTag({ decision }: { decision: Decision }) {
  const { t } = useTranslation();
  return (
    <Tag color={decisionColours[decision] ?? 'default'} data-decision={decision} style={{ marginInlineEnd: 0 }}>
      {t(`screening.decision.${decision}`)}
    </Tag>
  );
}

/** Where a screened payment stands. */
export function DecisionStatusTag({ status }: { status: DecisionStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColours[status] ?? 'default'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`screening.status.${status}`)}
    </Tag>
  );
}

/** Where a consumer's reminder stands. */
export function ReminderStatusTag({ status }: { status: ReminderStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={reminderColours[status] ?? 'default'} data-reminder-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`screening.reminderStatus.${status}`)}
    </Tag>
  );
}
