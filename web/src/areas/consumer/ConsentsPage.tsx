import { App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Flex, Form, Grid, List, Row, Skeleton, Tag, Typography } from 'antd';
import { PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { InstitutionSelect } from '../../components/InstitutionSelect.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatDateTime, useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { ConsentStatusTag } from '../../credit/tags.js';
import { chinaToday, dataCategories, inquiryPurposes, type ConsentView } from '../../credit/types.js';

interface GrantValues {
  institutionId: string;
  purposes: string[];
  dataCategories: string[];
  expiresOn?: Dayjs | null;
  separateConsent?: boolean;
}

/** A credit-inquiry authorisation for an institution: purposes, what it may see, an optional last day. */
function GrantForm({ onGranted }: { onGranted: (consent: ConsentView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GrantValues>();
  const [busy, setBusy] = useState(false);
  const chosen = Form.useWatch('dataCategories', form) ?? [];
  const sensitive = chosen.some((code) => dataCategories.find((c) => c.code === code)?.sensitive);
  const submit = async (values: GrantValues) => {
    setBusy(true);
    try {
      const consent = await api.post<ConsentView>('/v1/consumer/consents', {
        institutionId: values.institutionId,
        scope: 'credit_inquiry',
        purposes: values.purposes,
        dataCategories: values.dataCategories,
        ...(values.expiresOn ? { expiresOn: values.expiresOn.format('YYYY-MM-DD') } : {}),
        ...(sensitive ? { separateConsent: values.separateConsent === true } : {}),
      });
      void message.success(t('credit.consents.granted'));
      form.resetFields();
      onGranted(consent);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  const today = dayjs(chinaToday());
  return (
    <Card className="fh-card" title={t('credit.consents.grant')} data-testid="consent-grant">
      <Typography.Paragraph type="secondary">{t('credit.consents.grantIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} initialValues={{ purposes: ['loan_approval'], dataCategories: ['identity', 'credit'] }} onFinish={(values) => void submit(values)}>
        <Form.Item name="institutionId" label={t('credit.consents.pickInstitution')} rules={[{ required: true, message: t('credit.consents.pickRequired') }]}>
          <InstitutionSelect placeholder={t('credit.consents.searchInstitution')} testId="consent-institution" />
        </Form.Item>
        <Form.Item name="purposes" label={t('credit.consents.purposes')} rules={[{ required: true, type: 'array', min: 1, message: t('credit.consents.purposesRequired') }]}>
          <Checkbox.Group options={inquiryPurposes.map((code) => ({ value: code, label: t(`credit.purpose.${code}`) }))} data-testid="consent-purposes" />
        </Form.Item>
        <Form.Item name="dataCategories" label={t('credit.consents.categoriesLabel')}>
          <Checkbox.Group
            options={dataCategories.map((c) => ({
              value: c.code,
              label: (
                <>
                  {t(`credit.category.${c.code}`)}
                  {c.sensitive && (
                    <Tag color="orange" style={{ marginInlineStart: 6 }}>
                      {t('credit.consents.sensitive')}
                    </Tag>
                  )}
                </>
              ),
            }))}
          />
        </Form.Item>
        {sensitive && (
          <Form.Item name="separateConsent" valuePropName="checked" rules={[{ validator: (_rule, value) => (value === true ? Promise.resolve() : Promise.reject(new Error(t('credit.consents.separateRequired')))) }]}>
            <Checkbox data-testid="consent-separate">{t('credit.consents.separate')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="expiresOn" label={t('credit.consents.lastDay')}>
          <DatePicker disabledDate={(day) => day.isBefore(today, 'day')} style={{ width: '100%', maxWidth: 240 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={busy} data-action="grant">
          {t('credit.consents.grantOk')}
        </Button>
      </Form>
    </Card>
  );
}

/** One consent: institution, scope, purposes, data, dates, standing, and the withdraw button while it holds. */
function ConsentItem({ consent, onWithdrawn }: { consent: ConsentView; onWithdrawn: (consent: ConsentView) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const name = useLocalName();
  const screens = Grid.useBreakpoint();
  const withdraw = () => {
    void modal.confirm({
      title: t('credit.consents.withdrawTitle', { institution: name(consent.institution) }),
      content: t('credit.consents.withdrawText'),
      okText: t('credit.consents.withdrawOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          const view = await api.post<ConsentView>(`/v1/consumer/consents/${consent.consentId}/withdraw`);
          void message.success(t('credit.consents.withdrawn'));
          onWithdrawn(view);
        } catch (error) {
          void message.error(describeError(error));
        }
      },
    });
  };
  return (
    <Card
      className="fh-card fh-consent"
      data-testid="consent-card"
      data-consent-id={consent.consentId}
      data-institution-id={consent.institution.institutionId}
      data-status={consent.status}
      title={
        <Flex gap={8} wrap align="center">
          <span style={{ whiteSpace: 'normal' }}>{name(consent.institution)}</span>
          <ConsentStatusTag status={consent.status} />
        </Flex>
      }
      extra={
        consent.status === 'active' ? (
          <Button danger size="small" icon={<RollbackOutlined />} onClick={withdraw} data-action="withdraw">
            {t('credit.consents.withdraw')}
          </Button>
        ) : undefined
      }
    >
      <Descriptions column={{ xs: 1, md: 2 }} size="small" layout={screens.md === false ? 'vertical' : 'horizontal'}>
        <Descriptions.Item label={t('credit.consents.kind')}>{t(`credit.consents.scope.${consent.scope}`)}</Descriptions.Item>
        <Descriptions.Item label={t('credit.consents.purposes')}>{consent.purposes.map((p) => t(`credit.purpose.${p.code}`, { defaultValue: name({ nameZh: p.zh, nameEn: p.en }) })).join(t('credit.consents.separator'))}</Descriptions.Item>
        <Descriptions.Item label={t('credit.consents.categories')}>
          {consent.dataCategories.length === 0
            ? '—'
            : (
              <Flex wrap gap={4}>
                {consent.dataCategories.map((c) => (
                  <Tag key={c.code} color={c.sensitive ? 'orange' : undefined} style={{ marginInlineEnd: 0 }}>
                    {t(`credit.category.${c.code}`, { defaultValue: name({ nameZh: c.zh, nameEn: c.en }) })}
                  </Tag>
                ))}
              </Flex>
            )}
        </Descriptions.Item>
        {consent.recipient && <Descriptions.Item label={t('credit.consents.recipient')}>{consent.recipient}</Descriptions.Item>}
        <Descriptions.Item label={t('credit.consents.grantedAt')}>{formatDateTime(consent.grantedAt)}</Descriptions.Item>
        {(consent.expiresOn || consent.status === 'active') && <Descriptions.Item label={t('credit.consents.expiresOn')}>{consent.expiresOn ?? t('credit.consents.untilWithdrawn')}</Descriptions.Item>}
        {consent.withdrawnAt && <Descriptions.Item label={t('credit.consents.withdrawnAt')}>{formatDateTime(consent.withdrawnAt)}</Descriptions.Item>}
      </Descriptions>
    </Card>
  );
}

/** The person's consents and authorisations, withdrawn at will; and a new credit-inquiry authorisation. */
export function ConsentsPage() {
  const { t } = useTranslation();
  const remote = useRemote(() => api.get<{ items: ConsentView[] }>('/v1/consumer/consents'), 'consents');
  // Changes made on this page, shown at once.
  const [changed, setChanged] = useState<Record<string, ConsentView>>({});
  const [added, setAdded] = useState<ConsentView[]>([]);
  const items = [...added.filter((a) => !remote.data?.items.some((i) => i.consentId === a.consentId)), ...(remote.data?.items ?? [])].map((item) => changed[item.consentId] ?? item);
  const update = (view: ConsentView) => setChanged((all) => ({ ...all, [view.consentId]: view }));
  return (
    <>
      <PageTitle title={t('credit.consents.title')} subtitle={t('credit.consents.subtitle')} />
      {remote.error !== undefined && <ErrorState error={remote.error} onRetry={remote.reload} />}
      {!remote.data && remote.loading && <Skeleton active />}
      {remote.data && (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={15}>
            <List
              className="fh-card-list"
              data-testid="consent-list"
              dataSource={items}
              locale={{ emptyText: <Empty description={t('credit.consents.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
              renderItem={(consent) => (
                <div key={consent.consentId} style={{ marginBottom: 12 }}>
                  <ConsentItem consent={consent} onWithdrawn={update} />
                </div>
              )}
            />
          </Col>
          <Col xs={24} xl={9}>
            <GrantForm onGranted={(consent) => setAdded((all) => [consent, ...all])} />
          </Col>
        </Row>
      )}
    </>
  );
}
