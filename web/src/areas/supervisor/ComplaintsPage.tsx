import { App, Button, Card, Form, Input, Modal, Segmented, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useRemote } from '../../components/useRemote.js';
import { ComplaintTable } from '../../complaints/ComplaintTable.js';
import type { ComplaintView } from '../../complaints/parts.js';
import { ComplaintDrawer } from '../institution/ComplaintDeskPage.js';
import { InstitutionSelect } from '../../components/InstitutionSelect.js';

const FILTERS = ['late', 'disputed', 'unknownInstitution', 'awaitingApproval', 'all'] as const;
type Filter = (typeof FILTERS)[number];
const filterLabel: Record<Filter, string> = { late: 'late', disputed: 'disputed', unknownInstitution: 'unknown', awaitingApproval: 'approval', all: 'all' };

/** The decision on a requested further extension, with a note. */
function DecideDialog({ complaint, onClose, onDone }: { complaint: ComplaintView; onClose: () => void; onDone: (view: ComplaintView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState<boolean>();
  const decide = async (approve: boolean) => {
    const values = await form.validateFields().catch(() => undefined);
    if (!values) return;
    setBusy(approve);
    try {
      const view = await api.post<ComplaintView>(`/v1/supervisor/complaints/${complaint.complaintId}/further-extension`, { approve, note: values.note.trim() });
      void message.success(t('complaints.supervisor.decided'));
      onDone(view);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <Modal
      open
      title={t('complaints.supervisor.approval')}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={() => void decide(false)} loading={busy === false} danger>
            {t('complaints.supervisor.refuse')}
          </Button>
          <Button type="primary" onClick={() => void decide(true)} loading={busy === true}>
            {t('complaints.supervisor.approve')}
          </Button>
        </Space>
      }
    >
      <p style={{ whiteSpace: 'pre-wrap' }}>{complaint.deadline.furtherReason}</p>
      <Form form={form} layout="vertical" requiredMark={false}>
        <Form.Item name="note" label={t('complaints.supervisor.note')} rules={[{ required: true, whitespace: true, message: t('complaints.supervisor.noteRequired') }]}>
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Referral of a complaint against an unregistered institution to the registered one it turns out to be. */
function ReferDialog({ complaint, onClose, onDone }: { complaint: ComplaintView; onClose: () => void; onDone: (view: ComplaintView) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ institutionId: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ institutionId }: { institutionId: string }) => {
    setBusy(true);
    try {
      const view = await api.post<ComplaintView>(`/v1/supervisor/complaints/${complaint.complaintId}/refer`, { institutionId });
      void message.success(t('complaints.supervisor.referred'));
      onDone(view);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('complaints.supervisor.referTitle')} onCancel={onClose} okText={t('complaints.supervisor.refer')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('complaints.supervisor.referHelp')}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        <Form.Item name="institutionId" label={t('complaints.form.pickInstitution')} rules={[{ required: true, message: t('complaints.form.institutionRequired') }]}>
          <InstitutionSelect placeholder={t('complaints.form.searchInstitution')} testId="complaint-institution" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The supervisor's view of complaints in the jurisdiction: late, disputed, against unregistered institutions, extensions to approve. */
export function ComplaintsPage() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('late');
  const list = useRemote(() => api.get<{ items: ComplaintView[] }>('/v1/supervisor/complaints', filter === 'all' ? { pageSize: 200 } : { [filter]: 'true', pageSize: 200 }), filter);
  const [changed, setChanged] = useState<Record<string, ComplaintView>>({});
  const [deciding, setDeciding] = useState<ComplaintView>();
  const [referring, setReferring] = useState<ComplaintView>();
  const [open, setOpen] = useState<ComplaintView>();
  const items = (list.data?.items ?? []).map((item) => changed[item.complaintId] ?? item);
  return (
    <>
      <PageTitle title={t('complaints.supervisor.title')} subtitle={t('complaints.supervisor.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Card className="fh-card">
        <div className="fh-filters fh-scroll-x">
          <Segmented value={filter} onChange={(value) => setFilter(value)} options={FILTERS.map((f) => ({ value: f, label: t(`complaints.supervisor.${filterLabel[f]}`) }))} data-testid="complaint-filter" />
        </div>
        <ComplaintTable
          items={items}
          loading={list.loading}
          showInstitution
          onOpen={setOpen}
          action={(row) =>
            row.deadline.extension === 'further_requested' ? (
              <Button type="link" size="small" onClick={() => setDeciding(row)} data-action="decide">
                {t('complaints.supervisor.approval')}
              </Button>
            ) : !row.institution.registered && row.status === 'filed' ? (
              <Button type="link" size="small" onClick={() => setReferring(row)} data-action="refer">
                {t('complaints.supervisor.refer')}
              </Button>
            ) : null
          }
        />
      </Card>
      {deciding && (
        <DecideDialog
          complaint={deciding}
          onClose={() => setDeciding(undefined)}
          onDone={(view) => {
            setChanged((all) => ({ ...all, [view.complaintId]: view }));
            setDeciding(undefined);
          }}
        />
      )}
      {referring && (
        <ReferDialog
          complaint={referring}
          onClose={() => setReferring(undefined)}
          onDone={(view) => {
            setChanged((all) => ({ ...all, [view.complaintId]: view }));
            setReferring(undefined);
          }}
        />
      )}
      <ComplaintDrawer complaintId={open?.complaintId} area="supervisor" onClose={() => setOpen(undefined)} />
    </>
  );
}
