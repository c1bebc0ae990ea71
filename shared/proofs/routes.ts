import { roundMembershipErrors } from '../deliveries/errors.js';
import { defineRoute, type RouteDefinition } from '../http/route.js';
import { IdParam } from '../schemas/common.js';
import { photoUploadErrors, proofPhotoReadErrors } from './errors.js';
import { MAX_PHOTO_LABEL } from './limits.js';
import { PhotoUpload, ProofPhoto, ProofPhotoQuery, RequestPhotoUploadBody } from './schemas.js';

/** Proof-of-delivery photos: the courier's upload, the tenant's (and the hub's) look at it. */
export const proofRoutes = {
  requestPhotoUpload: defineRoute({
    method: 'POST',
    path: '/v1/courier/deliveries/{id}/photos',
    roles: ['courier'],
    handler: 'functions/proofs/request-photo-upload.ts',
    summary: `Asks to upload a photo (or a signature) of a delivery under way: answers a form signed for one image of at most ${MAX_PHOTO_LABEL}, valid 15 minutes, that the phone posts to the store (S3) itself. Report the delivery with the photo's id.`,
    tag: 'Hub and couriers',
    idempotent: true,
    needs: ['proofPhotos'],
    request: { params: IdParam, body: RequestPhotoUploadBody },
    responses: { 201: { description: 'The upload form.', schema: PhotoUpload } },
    errors: [photoUploadErrors, roundMembershipErrors],
  }),
  getProofPhoto: defineRoute({
    method: 'GET',
    path: '/v1/deliveries/{id}/proof/photo',
    roles: ['tenant', 'admin', 'accountant'],
    handler: 'functions/proofs/get-proof-photo.ts',
    summary: "A short-lived URL to a delivered parcel's photo (or the recipient's signature), its location and other metadata removed: for the tenant that booked it and the hub (404 for anyone else, accountants included).",
    tag: 'Deliveries',
    needs: ['proofPhotos'],
    request: { params: IdParam, query: ProofPhotoQuery },
    responses: { 200: { description: 'Where to read the photo, for 5 minutes.', schema: ProofPhoto } },
    errors: [proofPhotoReadErrors],
  }),
} as const satisfies Record<string, RouteDefinition>;
