// The sync status in words, one wording for the header's chip and the sync page (DESIGN.md §5):
// 同步中, 离线 · 3 条修改待同步, 3 条修改待同步, 已同步 · 10:32, 从未同步. The chip is `compact`: a
// failure reads 同步失败 (the page says why), and refused changes come first (2 项需处理).
import { getLocale, t } from '../i18n.js';

/**
 * Words for a sync status ({state, pending, rejected, lastSyncAt, lastError}); status null: the
 * network alone (signed out). online: the browser's view, which may be ahead of the status.
 */
export function syncWords(status, { online = true, compact = false } = {}) {
  if (!status) return t(online ? 'net.online' : 'net.offline');
  const count = status.pending;
  if (!online || status.state === 'offline') {
    const offline = compact ? 'net.offline' : 'sync.offline';
    return count ? t('sync.offline_pending', { count }) : t(offline);
  }
  if (compact && status.rejected) return t('sync.chip.refused', { count: status.rejected });
  if (status.state === 'syncing') return t('sync.syncing');
  if (status.state === 'error')
    return compact ? t('sync.chip.error') : t('sync.error', { message: status.lastError ?? '' });
  if (count) return t('sync.pending', { count });
  if (!status.lastSyncAt) return t('sync.never');
  const time = new Intl.DateTimeFormat(getLocale(), { timeStyle: 'short' }).format(new Date(status.lastSyncAt));
  return t('sync.synced_at', { time });
}
