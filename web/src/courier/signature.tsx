import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { useApp } from '../context.js';

/**
 * An optional signature drawn with a finger (or a mouse, or a pen) on a canvas, with pointer
 * events; the page does not scroll while drawing on it. It is optional, so a keyboard or screen
 * reader user simply skips it. `onChange` gets a PNG Blob, or null once cleared.
 */
export function SignaturePad({ onChange }: { onChange(signature: Blob | null): void }) {
  const { t } = useApp();
  const id = useId();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const [inked, setInked] = useState(false);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const ratio = window.devicePixelRatio || 1;
    const width = element.clientWidth || 320;
    const height = element.clientHeight || 160;
    element.width = Math.round(width * ratio);
    element.height = Math.round(height * ratio);
    const context = element.getContext('2d');
    if (!context) return;
    context.scale(ratio, ratio);
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, width, height);
    context.lineWidth = 2.5;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#1b1f1d';
  }, []);

  const point = (event: PointerEvent) => {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  };

  const finish = () => {
    if (!drawing.current) return;
    drawing.current = null;
    canvas.current?.toBlob((blob) => onChange(blob), 'image/png');
  };

  const clear = () => {
    const element = canvas.current;
    const context = element?.getContext('2d');
    if (element && context) {
      context.save();
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, element.width, element.height);
      context.restore();
    }
    setInked(false);
    onChange(null);
  };

  return (
    <div class="signature" role="group" aria-labelledby={`${id}-label`} aria-describedby={`${id}-hint`}>
      <p class="field-label" id={`${id}-label`}>
        {t('courier.signature')}
      </p>
      <p class="hint" id={`${id}-hint`}>
        {t('courier.signatureHint')}
      </p>
      <canvas
        ref={canvas}
        class="signature-pad"
        role="img"
        aria-label={inked ? t('courier.signatureDrawn') : t('courier.signatureEmpty')}
        onPointerDown={(event) => {
          event.preventDefault();
          (event.currentTarget as HTMLCanvasElement).setPointerCapture(event.pointerId);
          const start = point(event);
          drawing.current = start;
          const context = canvas.current?.getContext('2d');
          context?.beginPath();
          context?.arc(start.x, start.y, 1, 0, Math.PI * 2);
          context?.stroke();
          setInked(true);
        }}
        onPointerMove={(event) => {
          const from = drawing.current;
          if (!from) return;
          const to = point(event);
          const context = canvas.current?.getContext('2d');
          if (!context) return;
          context.beginPath();
          context.moveTo(from.x, from.y);
          context.lineTo(to.x, to.y);
          context.stroke();
          drawing.current = to;
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
      />
      {inked ? (
        <button type="button" class="secondary" onClick={clear}>
          {t('courier.signatureClear')}
        </button>
      ) : null}
    </div>
  );
}
