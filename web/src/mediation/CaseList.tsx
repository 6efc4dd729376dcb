import { Button, Card, Empty, Flex, List, Skeleton, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { formatDateTime, formatMoney, useLocalName } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import { MediationStatusTag } from './MediationRoom.js';
import { useIssueName } from './issues.js';
import type { MediationSummary } from './types.js';

/** Mediation cases from `path`, each opening its room under `roomPath`. */
export function CaseList({ path, roomPath, emptyText, testId }: { path: string; roomPath: string; emptyText: string; testId: string }) {
  const { t, i18n } = useTranslation();
  const name = useLocalName();
  const issue = useIssueName();
  const remote = useRemote(() => api.get<{ items: MediationSummary[] }>(path), path);
  if (remote.error) return <ErrorState error={remote.error} onRetry={remote.reload} />;
  if (!remote.data) return <Skeleton active />;
  return (
    <Card className="fh-card" data-testid={testId}>
      {remote.data.items.length === 0 ? (
        <Empty description={emptyText} />
      ) : (
        <List
          dataSource={remote.data.items}
          renderItem={(item) => (
            <List.Item
              data-case-id={item.caseId}
              actions={[
                <Link key="open" to={`${roomPath}/${item.caseId}`}>
                  <Button type="link" data-action="open-case">
                    {t('mediation.open')} <RightOutlined />
                  </Button>
                </Link>,
              ]}
            >
              <List.Item.Meta
                title={
                  <Flex gap={8} wrap align="center">
                    <MediationStatusTag status={item.status} />
                    <span>{item.institution ? name(item.institution) : issue(item.issue)}</span>
                  </Flex>
                }
                description={
                  <Typography.Text type="secondary">
                    {issue(item.issue)}
                    {item.amountAtStakeFen !== null ? ` · ${formatMoney(item.amountAtStakeFen, i18n.language)}` : ''} · {name(item.jurisdiction)} · {formatDateTime(item.requestedAt)}
                    {item.mediator ? ` · ${t('mediation.fields.mediator')}: ${item.mediator.displayName}` : ''}
                  </Typography.Text>
                }
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
