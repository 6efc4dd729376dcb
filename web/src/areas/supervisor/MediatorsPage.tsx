import { App, Button, Card, Col, Empty, Flex, Form, Input, List, Row, Skeleton, Tag, TreeSelect, Typography } from 'antd';
import { UserAddOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { showFieldError } from '../../components/forms.js';
import { formatDateTime, useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { CaseList } from '../../mediation/CaseList.js';
import { RoomPage } from '../../mediation/RoomPage.js';
import type { Mediator } from '../../mediation/types.js';
import { useSession } from '../../session.js';

interface AppointValues {
  username: string;
  displayName: string;
  password: string;
  jurisdictionCode: string;
}

function AppointForm({ onAppointed }: { onAppointed: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { principal } = useSession();
  const name = useLocalName();
  const { jurisdictions } = useReference();
  const [form] = Form.useForm<AppointValues>();
  const [busy, setBusy] = useState(false);
  const own = principal?.role === 'supervisor' ? principal.jurisdiction.code : undefined;
  const tree = jurisdictionTree(jurisdictions, name, own === '000000' ? undefined : own);
  const submit = async (values: AppointValues) => {
    setBusy(true);
    try {
      const mediator = await api.post<Mediator>('/v1/supervisor/mediators', values);
      void message.success(t('mediation.appointed', { name: mediator.displayName }));
      form.resetFields();
      onAppointed();
    } catch (error) {
      if (!showFieldError(form, error, ['username', 'displayName', 'password', 'jurisdictionCode'])) void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="fh-card" title={t('mediation.appoint')} data-testid="appoint-mediator">
      <Typography.Paragraph type="secondary">{t('mediation.appointIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ jurisdictionCode: own }} onFinish={(values) => void submit(values)}>
        <Form.Item name="displayName" label={t('mediation.displayName')} rules={[{ required: true, whitespace: true, message: t('mediation.required') }]}>
          <Input maxLength={100} data-testid="mediator-name" />
        </Form.Item>
        <Form.Item name="username" label={t('mediation.username')} rules={[{ required: true, pattern: /^[A-Za-z0-9._-]{3,64}$/, message: t('mediation.required') }]}>
          <Input maxLength={64} autoComplete="off" data-testid="mediator-username" />
        </Form.Item>
        <Form.Item name="password" label={t('mediation.password')} extra={t('mediation.passwordRule')} rules={[{ required: true, min: 8, message: t('mediation.passwordRule') }]}>
          <Input.Password autoComplete="new-password" data-testid="mediator-password" />
        </Form.Item>
        <Form.Item name="jurisdictionCode" label={t('mediation.jurisdictionOf')} rules={[{ required: true, message: t('mediation.required') }]}>
          <TreeSelect treeData={tree} treeDefaultExpandAll={own !== '000000'} showSearch={{ treeNodeFilterProp: 'title' }} data-testid="mediator-jurisdiction" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<UserAddOutlined />} loading={busy} data-action="appoint">
          {t('mediation.appointOk')}
        </Button>
      </Form>
    </Card>
  );
}

/** The supervisor's mediators: appoint, list and revoke; and the mediation cases of the jurisdiction. */
export function MediatorsPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const name = useLocalName();
  const remote = useRemote(() => api.get<{ items: Mediator[] }>('/v1/supervisor/mediators'), 'mediators');
  const revoke = (mediator: Mediator) => {
    void modal.confirm({
      title: t('mediation.revoke'),
      content: t('mediation.revokeConfirm', { name: mediator.displayName }),
      okText: t('mediation.revoke'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.post(`/v1/supervisor/mediators/${mediator.userId}/revoke`);
          void message.success(t('mediation.revokedDone'));
          remote.reload();
        } catch (error) {
          void message.error(describeError(error));
        }
      },
    });
  };
  return (
    <>
      <PageTitle title={t('mediation.mediators')} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <AppointForm onAppointed={remote.reload} />
        </Col>
        <Col xs={24} lg={14}>
          <Card className="fh-card" title={t('mediation.mediators')} data-testid="mediator-list">
            {remote.error ? (
              <ErrorState error={remote.error} onRetry={remote.reload} />
            ) : !remote.data ? (
              <Skeleton active />
            ) : remote.data.items.length === 0 ? (
              <Empty description={t('mediation.noMediators')} />
            ) : (
              <List
                dataSource={remote.data.items}
                renderItem={(m) => (
                  <List.Item
                    data-username={m.username}
                    actions={
                      m.revokedAt
                        ? []
                        : [
                            <Button key="revoke" danger size="small" onClick={() => revoke(m)} data-action="revoke">
                              {t('mediation.revoke')}
                            </Button>,
                          ]
                    }
                  >
                    <List.Item.Meta
                      title={
                        <Flex gap={8} wrap align="center">
                          <span>{m.displayName}</span>
                          <Tag color={m.revokedAt ? 'default' : 'success'}>{m.revokedAt ? t('mediation.revokedTag') : t('mediation.active')}</Tag>
                        </Flex>
                      }
                      description={`${m.username} · ${name(m.jurisdiction)} · ${t('mediation.appointedAt')} ${formatDateTime(m.appointedAt, false)}${m.revokedAt ? ` · ${t('mediation.revokedAt')} ${formatDateTime(m.revokedAt, false)}` : ''}`}
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Typography.Title level={4} style={{ marginTop: 24 }}>
        {t('mediation.casesInJurisdiction')}
      </Typography.Title>
      <CaseList path="/v1/supervisor/mediations" roomPath="/supervisor/mediations" emptyText={t('mediation.empty')} testId="supervisor-mediations" />
    </>
  );
}

/** A mediation case of the jurisdiction, read-only. */
export function MediationPage() {
  return <RoomPage role="supervisor" listPath="/supervisor/mediators" listLabelKey="mediation.mediators" />;
}
