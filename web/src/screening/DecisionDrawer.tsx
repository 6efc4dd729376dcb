import { Card, Descriptions, Drawer, Flex, Grid, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../components/format.js';
import { useZhEn } from '../filing/standard.js';
import { useFactLabel, useFactText } from '../rulebook/values.js';
import type { Fact } from '../types.js';
import { formatAmount } from './money.js';
import { DecisionStatusTag, DecisionTag } from './tags.js';
import type { DecisionView } from './types.js';

/** One screened payment: its decision, where it stands, and each rule that fired with its explanation and the figures behind it. */
export function DecisionDrawer({ decision, onClose }: { decision: DecisionView | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const text = useZhEn();
  const factText = useFactText();
  const factLabel = useFactLabel();
  const screens = Grid.useBreakpoint();
  const columns: TableColumnsType<Fact> = [
    { title: t('screening.log.fact'), key: 'label', render: (_, fact) => factLabel(fact) },
    { title: t('screening.log.value'), key: 'value', align: 'right', render: (_, fact) => <span className="fh-mono">{factText(fact, 'payment')}</span> },
  ];
  return (
    <Drawer open={decision !== undefined} onClose={onClose} size={screens.md === false ? '100%' : 640} title={decision ? t('screening.log.detailTitle', { paymentId: decision.paymentId }) : ''} destroyOnHidden>
      {decision && (
        <div data-testid="decision-detail" data-status={decision.status}>
          <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('screening.log.amount')}>{formatAmount(decision.currency, decision.amountMinor, decision.minorUnits)}</Descriptions.Item>
            <Descriptions.Item label={t('screening.log.initiatedAt')}>{formatDateTime(decision.initiatedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('screening.log.decidedAt')}>{formatDateTime(decision.decidedAt)}</Descriptions.Item>
            <Descriptions.Item label={t('screening.log.score')}>{decision.score}</Descriptions.Item>
            <Descriptions.Item label={t('screening.log.decision')}>
              <DecisionTag decision={decision.decision} />
            </Descriptions.Item>
            <Descriptions.Item label={t('screening.log.status')}>
              <DecisionStatusTag status={decision.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('screening.log.finalDecision')}>{decision.finalDecision ? <DecisionTag decision={decision.finalDecision} /> : t('screening.log.pendingFinal')}</Descriptions.Item>
            {decision.reminder && (
              <Descriptions.Item label={t('screening.log.reminder')}>
                {decision.reminder.answeredAt ? `${t('screening.log.answeredAt')} ${formatDateTime(decision.reminder.answeredAt)}` : `${t('screening.log.reminderDeadline')} ${formatDateTime(decision.reminder.deadline)}`}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('screening.log.outcome')}>{decision.outcome ? <Tag color={decision.outcome.outcome === 'confirmed_fraud' ? 'red' : 'blue'}>{t(`screening.outcome.${decision.outcome.outcome}`)}</Tag> : t('screening.log.noOutcome')}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t('screening.log.why')}</Typography.Title>
          {decision.reasons.length === 0 && <Typography.Text type="secondary">{t('screening.log.noReasons')}</Typography.Text>}
          <Space direction="vertical" size={12} style={{ width: '100%' }}>
            {decision.reasons.map((reason) => (
              <Card
                key={reason.ruleId}
                size="small"
                data-testid="decision-reason"
                title={
                  <Flex justify="space-between" gap={8} wrap>
                    <span style={{ whiteSpace: 'normal' }}>{text(reason.title)}</span>
                    <Tag style={{ marginInlineEnd: 0 }}>{t('screening.log.weight', { weight: reason.weight })}</Tag>
                  </Flex>
                }
              >
                <Typography.Paragraph>{text(reason.explanation)}</Typography.Paragraph>
                <Typography.Text type="secondary" className="fh-mono" style={{ fontSize: 12 }}>
                  {reason.ruleId}
                </Typography.Text>
                {reason.facts.length > 0 && <Table<Fact> rowKey="name" size="small" pagination={false} columns={columns} dataSource={reason.facts} style={{ marginTop: 8 }} data-testid="decision-facts" />}
              </Card>
            ))}
          </Space>
        </div>
      )}
    </Drawer>
  );
}
