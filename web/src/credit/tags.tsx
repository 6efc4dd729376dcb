import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ConsentStatus, DisputeStatus, TradelineStatus } from './types.js';

const tradelineColours: Record<TradelineStatus, string> = { current: 'green', overdue: 'red', closed: 'default', written_off: 'magenta' };
const disputeColours: Record<DisputeStatus, string> = { open: 'processing', escalated: 'error', corrected: 'success', kept: 'default' };
const consentColours: Record<ConsentStatus, string> = { active: 'success', expired: 'default', withdrawn: 'warning' };

/** Where a loan account stands. */
export function TradelineStatusTag({ status }: { status: TradelineStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={tradelineColours[status] ?? 'default'} data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`credit.status.${status}`)}
    </Tag>
  );
}

/** Where a dispute stands. */
export function DisputeStatusTag({ status }: { status: DisputeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={disputeColours[status] ?? 'default'} data-dispute-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`credit.disputeStatus.${status}`)}
    </Tag>
  );
}

/** Whether a consent still holds. */
export function ConsentStatusTag({ status }: { status: ConsentStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={consentColours[status] ?? 'default'} data-consent-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`credit.consents.status.${status}`)}
    </Tag>
  );
}
