import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import type { BoardMap, BoardMapTexts } from '../map/board-map.js';
import { deliveryName, mapModel } from './dispatch-model.js';
import type { Board } from './dispatch-types.js';

/**
 * The board's map: Leaflet is imported when this component first shows (its own chunk, its own
 * CSS), the lists of the board staying usable meanwhile and without it.
 */
export function DispatchMap({ board }: { board: Board }) {
  const { t, lang } = useApp();
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<BoardMap | null>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');
  /** The day the view was last fitted to: a refresh keeps the view the coordinator chose. */
  const fittedFor = useRef<string | null>(null);

  const texts = useMemo<BoardMapTexts>(
    () => ({
      label: t('dispatch.mapLabel'),
      letter: { pickup: t('dispatch.letter.pickup'), dropoff: t('dispatch.letter.dropoff') },
      depotLetter: t('dispatch.depotLetter'),
      depot: (label) => t('dispatch.mapDepot', { label }),
      courier: (name, at) => t('dispatch.mapCourier', { courier: name, time: formatTime(at, lang) }),
    }),
    [t, lang],
  );
  const model = useMemo(
    () =>
      mapModel(board, (stop, n) => {
        const courier = board.couriers.find((candidate) => candidate.round.stops.includes(stop))?.name ?? '';
        const who = stop.contact?.name || stop.address.line1;
        return t('dispatch.mapStop', { courier, n, what: `${t(`dispatch.stopWord.${stop.type}`)}, ${who}, ${deliveryName(stop)}` });
      }),
    [board, t],
  );

  useEffect(() => {
    let live = true;
    import('../map/board-map.js').then(
      ({ createBoardMap }) => {
        if (!live || !element.current) return;
        map.current = createBoardMap(element.current, texts);
        setState('ready');
      },
      () => live && setState('failed'),
    );
    return () => {
      live = false;
      map.current?.destroy();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    if (state !== 'ready' || !map.current) return;
    map.current.setTiles(board.map.tileUrl, board.map.attribution);
    const fit = fittedFor.current !== board.date;
    fittedFor.current = board.date;
    map.current.update(model, texts, fit);
  }, [state, model, texts, board.map.tileUrl, board.map.attribution, board.date]);

  return (
    <section class="board-map-section" aria-labelledby="map-title">
      <h2 id="map-title">{t('dispatch.mapTitle')}</h2>
      <p class="small">{t('dispatch.mapAlt')}</p>
      {board.map.tileUrl ? null : <p class="small">{t('dispatch.mapNoTiles')}</p>}
      {state === 'loading' ? <p class="loading">{t('dispatch.mapLoading')}</p> : null}
      {state === 'failed' ? <p class="notice warning">{t('dispatch.mapFailed')}</p> : null}
      <div ref={element} class="board-map" data-map-state={state} />
      <p class="small legend">{t('dispatch.legend')}</p>
    </section>
  );
}
