/**
 * What the vault keeps, by the type found in a file's first bytes (the `ext` that `file-type`
 * reports), with the media type stored, the file-name extensions and declared content types that
 * agree with it. Everything else is refused, whatever it is called.
 */
export interface EvidenceKind {
  /** The media type stored and served. */
  mediaType: string;
  /** File-name extensions that agree with the content (lower case, no dot). */
  extensions: readonly string[];
  /** Declared Content-Type values that agree with the content. */
  declared: readonly string[];
}

const image = (mediaType: string, extensions: string[], declared: string[] = [mediaType]): EvidenceKind => ({ mediaType, extensions, declared });

export const EVIDENCE_KINDS: Record<string, EvidenceKind> = {
  pdf: { mediaType: 'application/pdf', extensions: ['pdf'], declared: ['application/pdf', 'application/x-pdf'] },
  jpg: image('image/jpeg', ['jpg', 'jpeg', 'jfif', 'jpe'], ['image/jpeg', 'image/jpg', 'image/pjpeg']),
  png: image('image/png', ['png'], ['image/png', 'image/apng']),
  apng: image('image/png', ['png', 'apng'], ['image/png', 'image/apng']),
  webp: image('image/webp', ['webp']),
  heic: image('image/heic', ['heic', 'heif'], ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']),
  gif: image('image/gif', ['gif']),
  mp3: { mediaType: 'audio/mpeg', extensions: ['mp3'], declared: ['audio/mpeg', 'audio/mp3', 'audio/mpeg3', 'audio/x-mpeg-3'] },
  m4a: { mediaType: 'audio/mp4', extensions: ['m4a', 'mp4', 'aac'], declared: ['audio/mp4', 'audio/x-m4a', 'audio/m4a', 'audio/aac', 'video/mp4'] },
  aac: { mediaType: 'audio/aac', extensions: ['aac', 'm4a'], declared: ['audio/aac', 'audio/x-aac', 'audio/aacp', 'audio/mp4'] },
  wav: { mediaType: 'audio/wav', extensions: ['wav', 'wave'], declared: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'] },
  amr: { mediaType: 'audio/amr', extensions: ['amr'], declared: ['audio/amr', 'audio/x-amr'] },
  mp4: { mediaType: 'video/mp4', extensions: ['mp4', 'm4v', 'm4a'], declared: ['video/mp4', 'audio/mp4', 'video/x-m4v'] },
  mov: { mediaType: 'video/quicktime', extensions: ['mov', 'qt', 'mp4'], declared: ['video/quicktime', 'video/mp4'] },
  ogg: { mediaType: 'audio/ogg', extensions: ['ogg', 'oga', 'opus'], declared: ['audio/ogg', 'audio/opus', 'application/ogg'] },
  oga: { mediaType: 'audio/ogg', extensions: ['ogg', 'oga', 'opus'], declared: ['audio/ogg', 'audio/opus', 'application/ogg'] },
  opus: { mediaType: 'audio/ogg', extensions: ['opus', 'ogg', 'oga'], declared: ['audio/ogg', 'audio/opus', 'application/ogg'] },
  // Plain text has no magic bytes: it is taken only when the sender says it is text (text/plain or
  // a .txt name) and every byte is UTF-8 without control characters (see EvidenceService.receive).
  txt: { mediaType: 'text/plain', extensions: ['txt', 'text', 'log'], declared: ['text/plain'] },
};

/** Declared types that say nothing about the content: never a mismatch. */
export const UNSPECIFIED_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/x-www-form-urlencoded']);

/** The kinds as the error details and the API description list them. */
export const ALLOWED_DESCRIPTION = ['PDF', 'JPEG', 'PNG', 'WebP', 'HEIC', 'GIF', 'MP3', 'M4A/AAC', 'WAV', 'AMR', 'MP4/MOV', 'OGG/Opus', 'UTF-8 plain text'];

/** The lower-case extension of a file name, or '' when it has none. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : '';
}

/** The media type part of a Content-Type header, lower case. */
export function declaredType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** True when a file-name extension names a type at all (one of ours, or a well-known other one). */
export function extensionKnown(extension: string): boolean {
  return Object.values(EVIDENCE_KINDS).some((kind) => kind.extensions.includes(extension)) || OTHER_EXTENSIONS.has(extension);
}

// Extensions of types the vault does not keep: a file named so whose content is one of ours lies about its type.
const OTHER_EXTENSIONS = new Set(['exe', 'dll', 'zip', 'rar', '7z', 'gz', 'tar', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'html', 'htm', 'js', 'svg', 'xml', 'json', 'csv', 'bmp', 'tif', 'tiff', 'avi', 'mkv', 'flac', 'wma', 'wmv', 'apk', 'bat', 'sh', 'ps1', 'msi', 'iso', 'rtf', 'odt', 'epub']);
