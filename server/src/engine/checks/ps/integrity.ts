import { keywordArg, shortName, unparen } from '../../pyast.js';
import { plainStr } from '../../pystring.js';
import type { Check } from '../../rule.js';
import { lastName } from '../support/settings.js';

/**
 * OWASP A08 (software and data integrity failures): PS801, an archive
 * extracted without checking its members.
 */

const set = (...xs: string[]) => new Set(xs);

const SAFE_TAR_FILTERS = set('data', 'tar', 'data_filter', 'tar_filter');

const archiveExtractall: Check = (m, _rule, ctx) => {
  const call = m.node;
  const qual = ctx.qualname(call);
  const name = shortName(qual);
  if (qual === 'shutil.unpack_archive') {
    if (keywordArg(call, 'filter')) return null;
    return {
      confidence: 'MEDIUM',
      message:
        'shutil.unpack_archive() without filter= extracts a tar archive trusting its member names and links: "../" paths, absolute paths and symlinks write outside the target folder. Pass filter="data" (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4), or open the archive with tarfile and check each member.',
    };
  }
  if (name !== 'extractall') return null;
  if (keywordArg(call, 'members')) return null;
  const filter = keywordArg(call, 'filter');
  if (filter) {
    const f = unparen(filter);
    const v = plainStr(f) ?? (f.type === 'attribute' || f.type === 'identifier' ? lastName(f) : null);
    if (v === null || SAFE_TAR_FILTERS.has(v)) return null;
  }
  // Which archive: the receiver when the statement says, else what the file imports.
  const fn = call.childForFieldName('function');
  const recv = fn?.type === 'attribute' ? unparen(fn.childForFieldName('object')!) : null;
  const recvQual = recv?.type === 'call' ? ctx.qualname(recv) : '';
  const zipRecv = /(^|\.)zipfile\.ZipFile$/.test(recvQual) || /^ZipFile$/.test(recvQual);
  const tarRecv = /(^|\.)tarfile\.(open|TarFile)$/.test(recvQual);
  const zip = zipRecv || (!tarRecv && ctx.isModuleImportedLike('zipfile', call.startIndex));
  const tar = tarRecv || (!zipRecv && ctx.isModuleImportedLike('tarfile', call.startIndex));
  if (!zip && !tar) return null;
  const confidence = zipRecv || tarRecv ? 'HIGH' : 'MEDIUM';
  if (tar && !zip) {
    return {
      confidence,
      message:
        'tarfile\'s extractall() without a filter trusts every member: "../" names, absolute paths, symlinks and device files write outside the target folder (path traversal). Pass filter="data" (Python 3.12+, and 3.8.17/3.9.17/3.10.12/3.11.4), or check each member (its resolved path stays inside the target, no links) and pass members=.',
    };
  }
  return {
    confidence,
    message: `${zip && !tar ? 'ZipFile' : 'This archive'}'s extractall() unpacks every member unchecked: a crafted archive can be a decompression bomb that fills the disk, and tools or Python versions that keep "../" and absolute names write outside the target folder. Check the members first (count, total file_size, each resolved path inside the target) and pass the checked list as members=.`,
  };
};

export const CHECKS: Record<string, Check> = {
  archive_extractall_unchecked: archiveExtractall,
};
