import { App, Button, Card, Popconfirm, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { IssueApiKey } from '../../components/IssueApiKey.js';
import { PageTitle } from '../../components/PageTitle.js';
import { describeError } from '../../components/forms.js';
import { useDateTime } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useSession } from '../../session.js';
import type { ApiKeyView } from '../../types.js';

/** The institution's API keys: list, issue (shown once) and revoke. */
export function ApiKeysPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const dateTime = useDateTime();
  const { principal } = useSession();
  const keys = useRemote(() => api.get<{ items: ApiKeyView[] }>('/v1/institution/api-keys'), 'keys');
  const [creating, setCreating] = useState(false);
  const currentKeyId = principal?.role === 'institution' ? principal.keyId : undefined;

  const revoke = async (keyId: string) => {
    try {
      await api.delete(`/v1/institution/api-keys/${keyId}`);
      message.success(t('apiKeys.revoked'));
      keys.reload();
    } catch (error) {
      message.error(describeError(error));
    }
  };

  const columns: TableColumnsType<ApiKeyView> = [
    { title: t('apiKeys.label'), dataIndex: 'label', key: 'label' },
    {
      title: t('apiKeys.keyId'),
      dataIndex: 'keyId',
      key: 'keyId',
      render: (keyId: string) => (
        <>
          <span className="fh-mono">{keyId}</span> {keyId === currentKeyId && <Tag color="blue">{t('apiKeys.thisSession')}</Tag>}
        </>
      ),
    },
    { title: t('apiKeys.createdAt'), dataIndex: 'createdAt', key: 'createdAt', render: (value: string) => dateTime(value) },
    { title: t('apiKeys.lastUsedAt'), dataIndex: 'lastUsedAt', key: 'lastUsedAt', render: (value: string | null) => (value ? dateTime(value) : t('apiKeys.neverUsed')) },
    {
      title: t('apiKeys.state'),
      key: 'state',
      render: (_, row) => (row.revokedAt ? <Tag>{t('apiKeys.revokedAt', { at: dateTime(row.revokedAt) })}</Tag> : <Tag color="success">{t('apiKeys.active')}</Tag>),
    },
    {
      title: '',
      key: 'actions',
      width: 100,
      render: (_, row) =>
        !row.revokedAt && (
          <Popconfirm
            title={t('apiKeys.revokeConfirm')}
            description={row.keyId === currentKeyId ? t('apiKeys.revokeOwnWarning') : undefined}
            okText={t('apiKeys.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke(row.keyId)}
          >
            <Button size="small" danger>
              {t('apiKeys.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <>
      <PageTitle
        title={t('menu.apiKeys')}
        subtitle={t('apiKeys.intro')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('apiKeys.issue')}
          </Button>
        }
      />
      {keys.error !== undefined && <ErrorState error={keys.error} onRetry={keys.reload} />}
      <Card className="fh-card">
        <Table<ApiKeyView> rowKey="keyId" columns={columns} dataSource={keys.data?.items ?? []} loading={keys.loading} pagination={false} scroll={{ x: "max-content" }} locale={{ emptyText: t('apiKeys.none') }} />
      </Card>
      <IssueApiKey open={creating} path="/v1/institution/api-keys" onClose={() => setCreating(false)} onIssued={keys.reload} />
    </>
  );
}
