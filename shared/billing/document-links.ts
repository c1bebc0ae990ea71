import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/sessions.js';
import { config } from '../config.js';
import { writeOne } from '../db/transact.js';
import { documentLinks, type DocumentLink } from './repository.js';

/**
 * Unguessable, expiring links to an invoice's or a credit note's PDF, for the e-mails that send
 * them: 256 random bits, stored only as their SHA-256 (a leaked table does not leak links), kept
 * until they expire. Whoever holds the link reads that one document, and nothing else.
 */
export const DOCUMENT_LINK_DAYS = 60;


export async function createDocumentLink(target: { kind: 'invoice' | 'credit_note'; tenantId: string; invoiceId: string; creditNoteId?: string }, now = new Date()): Promise<{ url: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = Math.floor(now.getTime() / 1000) + DOCUMENT_LINK_DAYS * 86_400;
  await writeOne(documentLinks.create({ tokenHash: hashToken(token), ...target, createdAt: now.toISOString(), expiresAt }), () => new Error('document link exists already'));
  return { url: `${config.publicBaseUrl}/v1/billing/documents/${token}`, expiresAt: new Date(expiresAt * 1000).toISOString() };
}

/** The document a link names, while it lives; undefined for an unknown, malformed or expired link. */
export async function resolveDocumentLink(token: string, now = new Date()): Promise<Omit<DocumentLink, 'tokenHash'> | undefined> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const link = await documentLinks.get({ tokenHash: hashToken(token) });
  if (!link || link.expiresAt <= Math.floor(now.getTime() / 1000)) return undefined;
  const { tokenHash: _hash, ...rest } = link;
  void _hash;
  return rest;
}
