import { Alert, App, Breadcrumb, Button, Form, Input, Modal, Select, Skeleton, Space, Switch, Tooltip, Typography } from 'antd';
import { AlertOutlined, CalculatorOutlined, CheckOutlined, KeyOutlined, PauseOutlined, PlusOutlined, StopOutlined, UndoOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { InstitutionView, useLicenceTypeName } from '../../components/InstitutionView.js';
import { IssueApiKey } from '../../components/IssueApiKey.js';
import { InstitutionBusiness } from './InstitutionBusiness.js';
import { PageTitle } from '../../components/PageTitle.js';
import { describeError, showFieldError } from '../../components/forms.js';
import { useLocalName, useLocalNote } from '../../components/format.js';
import { useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import type { InstitutionDetail, Licence, LicenceStatus, QualificationCheck } from '../../types.js';

type Target = Exclude<LicenceStatus, 'applied'>;

/** Which moves the lifecycle allows from each status (the server checks them again). */
const moves: Record<LicenceStatus, Target[]> = {
  applied: ['approved', 'revoked'],
  approved: ['suspended', 'revoked'],
  suspended: ['approved', 'revoked'],
  revoked: [],
};

const moveIcons: Record<Target, React.ReactNode> = { approved: <CheckOutlined />, suspended: <PauseOutlined />, revoked: <StopOutlined /> };

/** The supervisor's view of one institution: licence decisions, qualification checks, API keys. */
export function InstitutionDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { institutionId = '' } = useParams();
  const name = useLocalName();
  const localNote = useLocalNote();
  const reference = useReference();
  const typeName = useLicenceTypeName(reference.licenceTypes);
  const detail = useRemote(() => api.get<InstitutionDetail>(`/v1/supervisor/institutions/${encodeURIComponent(institutionId)}`), institutionId);

  const [transition, setTransition] = useState<{ licence: Licence; to: Target } | null>(null);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const [applying, setApplying] = useState(false);
  const [applyForm] = Form.useForm<{ type: string }>();
  const [issuingKey, setIssuingKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [savingQualification, setSavingQualification] = useState<string | null>(null);

  /** Run a change, show its error in the reader's language, and reload the institution. */
  const act = async (work: () => Promise<unknown>, form?: { instance: Parameters<typeof showFieldError>[0]; fields: string[] }): Promise<boolean> => {
    setBusy(true);
    try {
      await work();
      detail.reload();
      return true;
    } catch (error) {
      if (!form || !showFieldError(form.instance, error, form.fields)) message.error(describeError(error));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const submitTransition = async ({ reason }: { reason: string }) => {
    if (!transition) return;
    const ok = await act(
      () => api.post<Licence>(`/v1/supervisor/licences/${transition.licence.licenceId}/transitions`, { to: transition.to, reason: reason.trim() }),
      { instance: reasonForm, fields: ['reason'] },
    );
    if (ok) {
      message.success(t(`licence.moved.${transition.to}`));
      setTransition(null);
    }
  };

  const toggleQualification = async (licence: Licence, qualification: QualificationCheck, met: boolean, note = qualification.note ?? '') => {
    setSavingQualification(`${licence.licenceId}/${qualification.key}`);
    await act(() => api.put<Licence>(`/v1/supervisor/licences/${licence.licenceId}/qualifications/${encodeURIComponent(qualification.key)}`, { met, note }));
    setSavingQualification(null);
  };

  const licenceActions = (licence: Licence) => {
    const unmet = licence.qualifications.filter((qualification) => !qualification.met).length;
    return (
      <Space wrap>
        {moves[licence.status].map((to) => {
          const label = t(licence.status === 'suspended' && to === 'approved' ? 'licence.action.reinstate' : licence.status === 'applied' && to === 'revoked' ? 'licence.action.refuse' : `licence.action.${to}`);
          const blocked = licence.status === 'applied' && to === 'approved' && unmet > 0;
          const button = (
            <Button
              key={to}
              size="small"
              type={to === 'approved' ? 'primary' : 'default'}
              danger={to === 'revoked'}
              icon={licence.status === 'suspended' && to === 'approved' ? <UndoOutlined /> : moveIcons[to]}
              disabled={blocked}
              onClick={() => {
                reasonForm.resetFields();
                setTransition({ licence, to });
              }}
              data-action={to}
            >
              {label}
            </Button>
          );
          return blocked ? (
            <Tooltip key={to} title={t('licence.unmetHint', { count: unmet })}>
              <span>{button}</span>
            </Tooltip>
          ) : (
            button
          );
        })}
      </Space>
    );
  };

  const renderQualification = (licence: Licence, qualification: QualificationCheck) => {
    const editable = licence.status !== 'revoked';
    return (
      <div className="fh-qualification">
        <Switch
          size="small"
          checked={qualification.met}
          disabled={!editable}
          loading={savingQualification === `${licence.licenceId}/${qualification.key}`}
          onChange={(met) => void toggleQualification(licence, qualification, met)}
          aria-label={name(qualification)}
        />
        <div className="fh-qualification-text">
          <div>{name(qualification)}</div>
          <Typography.Text
            type="secondary"
            className="fh-note"
            editable={editable ? { tooltip: t('licence.editNote'), text: qualification.note ?? '', onChange: (note) => note !== (qualification.note ?? '') && void toggleQualification(licence, qualification, qualification.met, note) } : false}
          >
            {qualification.note ? localNote(qualification.note) : editable ? t('licence.noNote') : ''}
          </Typography.Text>
        </div>
      </div>
    );
  };

  const data = detail.data;
  const liveTypes = new Set(data?.licences.filter((licence) => licence.status !== 'revoked').map((licence) => licence.type));

  return (
    <>
      <Breadcrumb items={[{ title: <Link to="/supervisor/institutions">{t('menu.institutions')}</Link> }, { title: data ? name(data) : '…' }]} className="fh-breadcrumb" />
      {detail.error !== undefined && <ErrorState error={detail.error} onRetry={detail.reload} />}
      {!data && detail.loading && <Skeleton active paragraph={{ rows: 10 }} />}
      {data && (
        <>
          <PageTitle
            title={name(data)}
            subtitle={data.uscc}
            extra={
              <Space wrap>
                <Button icon={<PlusOutlined />} onClick={() => { applyForm.resetFields(); setApplying(true); }}>
                  {t('licence.apply')}
                </Button>
                <Button icon={<KeyOutlined />} onClick={() => setIssuingKey(true)}>
                  {t('apiKeys.issue')}
                </Button>
                <Link to={`/supervisor/alerts?institution=${institutionId}`}>
                  <Button icon={<AlertOutlined />} data-testid="open-alerts">
                    {t('alerts.ofInstitution')}
                  </Button>
                </Link>
                <Link to={`/supervisor/institutions/${institutionId}/loan-cost`}>
                  <Button icon={<CalculatorOutlined />} data-testid="open-loan-cost">
                    {t('loanCost.open')}
                  </Button>
                </Link>
              </Space>
            }
          />
          <InstitutionView institution={data} licenceTypes={reference.licenceTypes} licenceActions={licenceActions} renderQualification={renderQualification} />
          <InstitutionBusiness institutionId={institutionId} />
        </>
      )}

      <Modal
        open={transition !== null}
        title={transition ? t('licence.transitionTitle', { action: t(`licence.action.${transition.to}`), type: typeName(transition.licence.type) }) : ''}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: transition?.to === 'revoked' || transition?.to === 'suspended' }}
        confirmLoading={busy}
        onOk={() => reasonForm.submit()}
        onCancel={() => setTransition(null)}
        destroyOnHidden
      >
        {transition?.to === 'revoked' && <Alert type="warning" showIcon title={t('licence.revokeWarning')} style={{ marginBottom: 16 }} />}
        <Form form={reasonForm} layout="vertical" onFinish={(values) => void submitTransition(values)} preserve={false}>
          <Form.Item name="reason" label={t('licence.reason')} rules={[{ required: true, whitespace: true, message: t('licence.reasonRequired') }]}>
            <Input.TextArea rows={4} maxLength={1000} showCount placeholder={t('licence.reasonPlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={applying}
        title={t('licence.apply')}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => applyForm.submit()}
        onCancel={() => setApplying(false)}
        destroyOnHidden
      >
        <Form
          form={applyForm}
          layout="vertical"
          preserve={false}
          onFinish={(values) =>
            void act(() => api.post<Licence>(`/v1/supervisor/institutions/${institutionId}/licences`, { type: values.type }), { instance: applyForm, fields: ['type'] }).then((ok) => ok && setApplying(false))
          }
        >
          <Form.Item name="type" label={t('licence.type')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={reference.licenceTypes.map((type) => ({ value: type.type, label: name(type), disabled: liveTypes.has(type.type) }))} />
          </Form.Item>
        </Form>
      </Modal>

      <IssueApiKey open={issuingKey} path={`/v1/supervisor/institutions/${institutionId}/api-keys`} onClose={() => setIssuingKey(false)} />
    </>
  );
}
