import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AlertStatus, RuleSeverity } from '../types.js';

const severityColours: Record<RuleSeverity, string> = { high: 'red', medium: 'orange', low: 'gold' };

const statusColours: Record<AlertStatus, string> = {
  new: 'processing',
  triaged: 'cyan',
  escalated: 'magenta',
  dismissed: 'default',
  superseded: 'default',
};

/** A rule's or an alert's severity as a coloured tag. */
export function SeverityTag({ severity }: { severity: RuleSeverity }) {
  const { t } = useTranslation();
  return (
    <Tag color={severityColours[severity] ?? 'default'} data-severity={severity} style={{ marginInlineEnd: 0 }}>
      {t(`severity.${severity}`)}
    </Tag>
  );
}

/** An alert's place in its lifecycle as a coloured tag. */
export function AlertStatusTag({ status }: { status: AlertStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={statusColours[status] ?? 'default'} data-alert-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`alertStatus.${status}`)}
    </Tag>
  );
}
