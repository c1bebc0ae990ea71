import * as z from 'zod';
import { Timestamp } from '../schemas/common.js';
import { imageTypes } from '../storage/images.js';
import { MAX_PHOTO_LABEL, UPLOAD_URL_SECONDS } from './limits.js';

export const photoPurposes = ['proof', 'signature'] as const;
export type PhotoPurpose = (typeof photoPurposes)[number];

const Purpose = z.enum(photoPurposes).meta({ description: '`proof`: the parcel at the door; `signature`: the recipient\'s signature, as an image.' });

export const RequestPhotoUploadBody = z
  .strictObject({
    purpose: Purpose,
    contentType: z.enum(imageTypes).meta({ description: 'The type of the file the phone will upload (the upload form demands the same).' }),
    sizeBytes: z.number().int().min(1).meta({ description: `The file's size in bytes: over ${MAX_PHOTO_LABEL}, refused with \`photo_too_large\`.` }),
  })
  .meta({ id: 'PhotoUploadRequest' });
export type RequestPhotoUploadBody = z.output<typeof RequestPhotoUploadBody>;

export const PhotoUpload = z
  .object({
    id: z.string().meta({ description: 'The photo (`pho_…`): give it as `proof.photoId` (or `proof.signatureId`) when reporting the delivery.' }),
    object: z.literal('photo_upload'),
    purpose: Purpose,
    maxBytes: z.number().int().meta({ description: 'The most the store takes: a bigger file is refused by the store itself.' }),
    expiresAt: Timestamp.meta({ description: `When the upload form stops working (${UPLOAD_URL_SECONDS / 60} minutes).` }),
    upload: z
      .object({
        method: z.literal('POST'),
        url: z.string().meta({ description: 'Where to post the file: S3 in AWS, the local runtime locally.' }),
        fields: z.record(z.string(), z.string()).meta({ description: 'Every one goes in the multipart/form-data body, in any order, then the image as the last part, named `file`.' }),
      })
      .meta({ description: 'A form signed for this one photo: its key, its type, at most `maxBytes`, until `expiresAt`.' }),
  })
  .meta({ id: 'PhotoUpload' });
export type PhotoUpload = z.output<typeof PhotoUpload>;

export const ProofPhotoQuery = z.strictObject({ purpose: z.enum(photoPurposes).default('proof') });

export const ProofPhoto = z
  .object({
    object: z.literal('proof_photo'),
    url: z.string().meta({ description: 'A short-lived URL that reads the photo (its location and other metadata removed).' }),
    contentType: z.enum(imageTypes),
    expiresAt: Timestamp.meta({ description: 'When the URL stops working (5 minutes): ask again for a new one.' }),
  })
  .meta({ id: 'ProofPhoto' });
export type ProofPhoto = z.output<typeof ProofPhoto>;
