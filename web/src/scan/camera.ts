/**
 * The camera and the QR decoder of the scan page (issue 18), loaded only when the camera is turned
 * on: the page itself opens without it. The back camera (`facingMode: environment`) plays in the
 * page's `<video>`; its frames are read a few times a second by the browser's own
 * `BarcodeDetector` when it has one that reads QR codes, else drawn on a canvas and decoded with
 * jsQR (itself loaded only then). Every code read is handed to `onCode`, as often as it is seen:
 * the page decides what a repeat is (scan-model.ts).
 */

import { problemOf, type CameraProblem } from './scan-model.js';

export type { CameraProblem } from './scan-model.js';

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem, cause?: unknown) {
    super(`camera: ${problem}`);
    this.name = 'CameraError';
    if (cause !== undefined) (this as { cause?: unknown }).cause = cause;
  }
}

export interface CameraSession {
  /** Which decoder reads the frames. */
  readonly engine: 'native' | 'jsqr';
  /** Stops the decoding and turns the camera off (its light goes out). Idempotent. */
  stop(): void;
}

/** Frames read per second: enough to feel immediate, little enough for an old phone. */
const READS_PER_SECOND = 6;
/** The frame is scaled down to this width before jsQR reads it (a label fills much of the view). */
const DECODE_WIDTH = 640;

interface NativeDetector {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>;
}
type NativeDetectorClass = {
  new (options: { formats: string[] }): NativeDetector;
  getSupportedFormats?(): Promise<string[]>;
};

async function nativeDetector(): Promise<NativeDetector | null> {
  const Detector = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    const formats = (await Detector.getSupportedFormats?.()) ?? ['qr_code'];
    return formats.includes('qr_code') ? new Detector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

type Reader = (video: HTMLVideoElement) => Promise<string | null>;

async function jsqrReader(): Promise<Reader> {
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new CameraError('unsupported');
  return async (video) => {
    const width = Math.min(DECODE_WIDTH, video.videoWidth);
    if (width === 0 || video.videoHeight === 0) return null;
    const height = Math.round((video.videoHeight * width) / video.videoWidth);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    const found = jsQR(context.getImageData(0, 0, width, height).data, width, height, { inversionAttempts: 'dontInvert' });
    return found?.data || null;
  };
}

/**
 * Turns the camera on in `video` and reads QR codes from it until `stop`. Throws a `CameraError`
 * saying why when there is no camera to use (none, refused, busy, not a secure page).
 */
export async function startScanner(video: HTMLVideoElement, onCode: (code: string) => void): Promise<CameraSession> {
  if (!window.isSecureContext) throw new CameraError('insecure');
  if (!navigator.mediaDevices?.getUserMedia) throw new CameraError('unsupported');
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
  } catch (error) {
    throw new CameraError(problemOf(error), error);
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  try {
    video.srcObject = stream;
    video.muted = true;
    video.setAttribute('playsinline', '');
    await video.play().catch(() => undefined);
    const detector = await nativeDetector();
    const read: Reader = detector
      ? async (frame) => {
          if (frame.readyState < 2) return null;
          const [first] = await detector.detect(frame);
          return first?.rawValue || null;
        }
      : await jsqrReader();
    const loop = async () => {
      if (stopped) return;
      try {
        if (video.readyState >= 2) {
          const code = await read(video);
          if (code && !stopped) onCode(code);
        }
      } catch {
        /* a frame that cannot be read: the next one will */
      }
      if (!stopped) timer = setTimeout(() => void loop(), 1000 / READS_PER_SECOND);
    };
    void loop();
    return { engine: detector ? 'native' : 'jsqr', stop };
  } catch (error) {
    stop();
    throw error instanceof CameraError ? error : new CameraError('failed', error);
  }
}
