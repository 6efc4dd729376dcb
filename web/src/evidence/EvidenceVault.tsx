import { App, Button, Card, Empty, Flex, List, Progress, Skeleton, Space, Tag, Tooltip, Typography, Upload } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, DownloadOutlined, FileProtectOutlined, InboxOutlined, SafetyOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { PageTitle } from '../components/PageTitle.js';
import { formatBytes, formatDateTime } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import type { Page } from '../types.js';

interface EvidenceItem {
  evidenceId: string;
  fileName: string;
  mediaType: string;
  bytes: number;
  hashAlgorithm: 'sha256' | 'sm3';
  hash: string;
  receivedAt: string;
}

type Check = { intact: true } | { intact: false; reason: string };

const LIMIT_BYTES = 64 * 1024 * 1024;

function kindOf(mediaType: string): 'pdf' | 'image' | 'audio' | 'video' | 'text' | 'other' {
  if (mediaType === 'application/pdf') return 'pdf';
  if (mediaType.startsWith('image/')) return 'image';
  if (mediaType.startsWith('audio/')) return 'audio';
  if (mediaType.startsWith('video/')) return 'video';
  if (mediaType.startsWith('text/')) return 'text';
  return 'other';
}

const KIND_COLOURS = { pdf: 'red', image: 'blue', audio: 'purple', video: 'geekblue', text: 'default', other: 'default' } as const;

/**
 * An evidence vault — a consumer's, or an institution's for its cases — at `base` (the API path of
 * the owner's vault): upload with progress, the items kept, their receipts and an integrity check.
 */
export function EvidenceVault({ base }: { base: '/v1/consumer/evidence' | '/v1/institution/evidence' }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const items = useRemote(() => api.get<Page<EvidenceItem>>(base, { pageSize: 200 }), base);
  const [progress, setProgress] = useState<{ name: string; percent: number } | null>(null);
  const [checks, setChecks] = useState<Record<string, Check | 'busy'>>({});

  const upload = async (file: File) => {
    setProgress({ name: file.name, percent: 0 });
    try {
      await api.upload<EvidenceItem>(base, file, file.type || 'application/octet-stream', { fileName: file.name }, ({ loaded, total }) => setProgress({ name: file.name, percent: total > 0 ? Math.floor((loaded / total) * 100) : 0 }));
      void message.success(t('evidence.uploaded', { name: file.name }));
      items.reload();
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setProgress(null);
    }
  };

  const check = async (id: string) => {
    setChecks((current) => ({ ...current, [id]: 'busy' }));
    try {
      const result = await api.get<Check>(`${base}/${id}/check`);
      setChecks((current) => ({ ...current, [id]: result }));
    } catch (error) {
      setChecks(({ [id]: _dropped, ...rest }) => rest);
      void message.error(describeError(error));
    }
  };

  const save = (path: string, name: string) => api.download(path, name).catch((error: unknown) => void message.error(describeError(error)));

  return (
    <>
      <PageTitle title={t('evidence.title')} subtitle={t('evidence.subtitle')} />
      <Card className="fh-card" title={t('evidence.upload')} data-testid="evidence-upload">
        <Upload.Dragger
          multiple={false}
          showUploadList={false}
          disabled={progress !== null}
          customRequest={({ file }) => void upload(file as File)}
          data-testid="evidence-dragger"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <Typography.Paragraph style={{ paddingInline: 12 }}>{t('evidence.uploadHint', { limit: formatBytes(LIMIT_BYTES).replace(' ', '\u00a0') })}</Typography.Paragraph>
        </Upload.Dragger>
        {progress && (
          <div style={{ marginTop: 12 }} data-testid="evidence-progress">
            <Typography.Text>{t('evidence.uploading', { name: progress.name })}</Typography.Text>
            <Progress percent={progress.percent} />
          </div>
        )}
      </Card>
      <Card className="fh-card" style={{ marginTop: 16 }} title={items.data ? t('evidence.count', { count: items.data.total }) : undefined}>
        {items.error ? (
          <ErrorState error={items.error} onRetry={items.reload} />
        ) : !items.data ? (
          <Skeleton active />
        ) : items.data.items.length === 0 ? (
          <Empty description={t('evidence.empty')} />
        ) : (
          <List
            dataSource={items.data.items}
            data-testid="evidence-list"
            renderItem={(item) => {
              const kind = kindOf(item.mediaType);
              const state = checks[item.evidenceId];
              return (
                <List.Item key={item.evidenceId} data-testid="evidence-item">
                  <Flex vertical gap={6} style={{ width: '100%', minWidth: 0 }}>
                    <Flex gap={8} align="center" wrap>
                      <Tag color={KIND_COLOURS[kind]}>{t(`evidence.kind.${kind}`)}</Tag>
                      <Typography.Text strong ellipsis style={{ maxWidth: '100%' }}>
                        {item.fileName}
                      </Typography.Text>
                    </Flex>
                    <Typography.Text type="secondary">
                      {t('evidence.facts', { size: formatBytes(item.bytes), time: formatDateTime(item.receivedAt) })}
                    </Typography.Text>
                    <Typography.Text type="secondary">
                      {t('evidence.hash', { algorithm: item.hashAlgorithm === 'sm3' ? 'SM3' : 'SHA-256' })}
                      <Tooltip title={item.hash}>
                        <Typography.Text code copyable={{ text: item.hash, tooltips: [t('evidence.copyHash')] }}>{`${item.hash.slice(0, 8)}…${item.hash.slice(-8)}`}</Typography.Text>
                      </Tooltip>
                    </Typography.Text>
                    <Space wrap size={[8, 8]}>
                      <Button size="small" icon={<DownloadOutlined />} onClick={() => void save(`${base}/${item.evidenceId}/content`, item.fileName)}>
                        {t('evidence.download')}
                      </Button>
                      <Button size="small" icon={<FileProtectOutlined />} onClick={() => void save(`${base}/${item.evidenceId}/receipt`, `${item.fileName}.receipt.json`)}>
                        {t('evidence.receipt')}
                      </Button>
                      <Button size="small" icon={<SafetyOutlined />} loading={state === 'busy'} onClick={() => void check(item.evidenceId)} data-testid="evidence-check">
                        {t('evidence.check')}
                      </Button>
                      {state && state !== 'busy' && (
                        <Tag icon={state.intact ? <CheckCircleOutlined /> : <CloseCircleOutlined />} color={state.intact ? 'success' : 'error'} data-testid="evidence-check-result">
                          {state.intact ? t('evidence.intact') : t('evidence.damaged')}
                        </Tag>
                      )}
                    </Space>
                  </Flex>
                </List.Item>
              );
            }}
          />
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0, fontSize: 12, wordBreak: 'break-word' }}>
          {t('evidence.verifyHint')}
        </Typography.Paragraph>
      </Card>
    </>
  );
}
