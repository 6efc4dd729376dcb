import { App, Button, Card, Flex, Form, Input, Modal, Select, Space, Table, TreeSelect, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { useLicenceTypeName } from '../../components/InstitutionView.js';
import { PageTitle } from '../../components/PageTitle.js';
import { StatusTag } from '../../components/StatusTag.js';
import { describeError, showFieldError } from '../../components/forms.js';
import { useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { useSession } from '../../session.js';
import type { InstitutionSummary, Page } from '../../types.js';
import { institutionKinds } from './kinds.js';

const PAGE_SIZE = 20;

interface NewInstitution {
  uscc: string;
  nameZh: string;
  nameEn: string;
  jurisdictionCode: string;
  kind: string;
}

/** The institutions in the supervisor's jurisdiction, with registration of a new one. */
export function InstitutionsPage() {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const { message } = App.useApp();
  const name = useLocalName();
  const reference = useReference();
  const typeName = useLicenceTypeName(reference.licenceTypes);
  const { principal } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewInstitution>();

  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? '1') || 1;
  const query = { q, page, pageSize: PAGE_SIZE };
  const list = useRemote(() => api.get<Page<InstitutionSummary>>('/v1/supervisor/institutions', query), JSON.stringify(query));
  const ownJurisdiction = principal?.role === 'supervisor' ? principal.jurisdiction.code : undefined;

  const register = async (values: NewInstitution) => {
    setBusy(true);
    try {
      const created = await api.post<InstitutionSummary>('/v1/supervisor/institutions', { ...values, uscc: values.uscc.trim().toUpperCase() });
      message.success(t('institution.registered'));
      setCreating(false);
      form.resetFields();
      navigate(`/supervisor/institutions/${created.institutionId}`);
    } catch (error) {
      if (!showFieldError(form, error, ['uscc', 'nameZh', 'nameEn', 'jurisdictionCode', 'kind'])) message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  const columns: TableColumnsType<InstitutionSummary> = [
    {
      title: t('institution.name'),
      key: 'name',
      render: (_, row) => (
        <div>
          <Link to={`/supervisor/institutions/${row.institutionId}`} className="fh-institution-link">
            {name(row)}
          </Link>
          <div className="fh-secondary-name">{english ? row.nameZh : row.nameEn}</div>
        </div>
      ),
    },
    { title: t('institution.uscc'), dataIndex: 'uscc', key: 'uscc', width: 200, render: (value: string) => <span className="fh-mono">{value}</span> },
    { title: t('institution.kind'), dataIndex: 'kind', key: 'kind', width: 180, render: (kind: string) => t(`kind.${kind}`, { defaultValue: kind }) },
    { title: t('institution.jurisdiction'), key: 'jurisdiction', width: 130, render: (_, row) => name(row.jurisdiction) },
    {
      title: t('licence.title'),
      key: 'licences',
      render: (_, row) =>
        row.licences.length === 0 ? (
          <Typography.Text type="secondary">{t('licence.none')}</Typography.Text>
        ) : (
          <Space orientation="vertical" size={4}>
            {row.licences.map((licence) => (
              <Space key={licence.licenceId} size={6} wrap>
                <span>{typeName(licence.type)}</span>
                <StatusTag status={licence.status} />
              </Space>
            ))}
          </Space>
        ),
    },
  ];

  return (
    <>
      <PageTitle
        title={t('menu.institutions')}
        subtitle={principal?.role === 'supervisor' ? t('supervisor.scope', { jurisdiction: name(principal.jurisdiction) }) : undefined}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('institution.register')}
          </Button>
        }
      />
      <Card className="fh-card">
        <Flex gap={12} wrap className="fh-filters">
          <Input.Search
            allowClear
            placeholder={t('registry.placeholder')}
            defaultValue={q}
            onSearch={(value) => {
              const next = new URLSearchParams();
              if (value.trim()) next.set('q', value.trim());
              setParams(next);
            }}
            style={{ maxWidth: 420 }}
            enterButton
          />
          <div className="fh-grow" />
          {list.data && <Typography.Text type="secondary">{t('registry.total', { count: list.data.total })}</Typography.Text>}
        </Flex>
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        <Table<InstitutionSummary>
          rowKey="institutionId"
          columns={columns}
          dataSource={list.data?.items ?? []}
          loading={list.loading}
          locale={{ emptyText: t('registry.empty') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            showSizeChanger: false,
            onChange: (next) => {
              const nextParams = new URLSearchParams(params);
              nextParams.set('page', String(next));
              setParams(nextParams);
            },
          }}
        />
      </Card>

      <Modal
        open={creating}
        title={t('institution.register')}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setCreating(false)}
        destroyOnHidden
        width={560}
      >
        <Form<NewInstitution> form={form} layout="vertical" onFinish={(values) => void register(values)} preserve={false} initialValues={{ jurisdictionCode: ownJurisdiction }}>
          <Form.Item name="uscc" label={t('institution.uscc')} extra={t('institution.usccHint')} rules={[{ required: true, message: t('form.required') }, { len: 18, message: t('institution.usccLength') }]}>
            <Input maxLength={18} className="fh-mono" />
          </Form.Item>
          <Form.Item name="nameZh" label={t('institution.nameZh')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('institution.nameEn')} rules={[{ required: true, message: t('form.required') }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="kind" label={t('institution.kind')} rules={[{ required: true, message: t('form.required') }]}>
            <Select options={institutionKinds.map((kind) => ({ value: kind, label: t(`kind.${kind}`) }))} />
          </Form.Item>
          <Form.Item name="jurisdictionCode" label={t('institution.jurisdiction')} rules={[{ required: true, message: t('form.required') }]}>
            <TreeSelect showSearch treeNodeFilterProp="title" treeDefaultExpandAll={false} treeData={jurisdictionTree(reference.jurisdictions, name, ownJurisdiction)} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
