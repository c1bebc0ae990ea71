/**
 * The courier's position, reported while a round is in progress during the shift: at most once
 * per `intervalSeconds`, only when the network is there (a position sent late is useless: it is
 * dropped, never queued), and stopped for good by the API's `off_shift` or a refused permission.
 */

export interface ReportedPosition {
  lat: number;
  lng: number;
  at: string;
  accuracyMeters?: number;
}

export type SendResult = 'ok' | 'off_shift' | 'failed';
export type StopReason = 'off_shift' | 'denied' | 'unavailable';

/** The part of `navigator.geolocation` used (declared here so the module is tested in Node). */
export interface GeoPosition {
  coords: { latitude: number; longitude: number; accuracy: number };
  timestamp: number;
}
export interface GeoWatch {
  watchPosition(success: (position: GeoPosition) => void, error?: ((error: { code: number; message: string }) => void) | null, options?: { enableHighAccuracy?: boolean; maximumAge?: number; timeout?: number }): number;
  clearWatch(id: number): void;
}

export interface PositionReportingOptions {
  geolocation: GeoWatch;
  send(position: ReportedPosition): Promise<SendResult>;
  intervalSeconds: number;
  now?: () => number;
  isOnline?: () => boolean;
  onStopped?(reason: StopReason): void;
  onSent?(position: ReportedPosition): void;
}

export interface PositionReporting {
  stop(): void;
}

export function startPositionReporting(options: PositionReportingOptions): PositionReporting {
  const now = options.now ?? (() => Date.now());
  const intervalMs = Math.max(1, options.intervalSeconds) * 1000;
  let lastTry = Number.NEGATIVE_INFINITY;
  let stopped = false;
  let sending = false;
  let watchId: number | undefined;

  const stop = (reason?: StopReason) => {
    if (stopped) return;
    stopped = true;
    if (watchId !== undefined) options.geolocation.clearWatch(watchId);
    if (reason) options.onStopped?.(reason);
  };

  watchId = options.geolocation.watchPosition(
    (position: GeoPosition) => {
      if (stopped || sending) return;
      const at = now();
      if (at - lastTry < intervalMs) return;
      // Offline: this position is dropped (the next one, once online, says where the courier is).
      if (options.isOnline && !options.isOnline()) return;
      lastTry = at;
      sending = true;
      const report: ReportedPosition = {
        lat: Math.round(position.coords.latitude * 1e6) / 1e6,
        lng: Math.round(position.coords.longitude * 1e6) / 1e6,
        at: new Date(position.timestamp || at).toISOString(),
        ...(Number.isFinite(position.coords.accuracy) ? { accuracyMeters: Math.round(position.coords.accuracy) } : {}),
      };
      options
        .send(report)
        .then(
          (result) => {
            if (result === 'off_shift') stop('off_shift');
            else if (result === 'ok') options.onSent?.(report);
          },
          () => undefined,
        )
        .finally(() => {
          sending = false;
        });
    },
    (error: { code: number }) => {
      if (error.code === 1) stop('denied');
    },
    { enableHighAccuracy: true, maximumAge: 30_000, timeout: 60_000 },
  );

  return { stop: () => stop() };
}
