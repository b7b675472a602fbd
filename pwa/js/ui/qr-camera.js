// The phone's camera reading QR codes (扫码签到, 加入家庭): the browser's BarcodeDetector where it
// has one, else jsQR (npm) on the video's frames — so a phone or browser without a built-in
// reader scans too. Typing the code stays every screen's fallback.
import jsQR from 'jsqr';

const SCAN_EVERY_MS = 250;

/** Reads QR codes from the video until stop() (returned); onText(text) for each one read, true to stop. */
export function startCamera(video, onText, onFail) {
  let stream = null;
  let timer = null;
  let stopped = false;
  const canvas = document.createElement('canvas');
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    for (const track of stream?.getTracks() ?? []) track.stop();
    video.srcObject = null;
  };
  (async () => {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('no camera API');
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    if (stopped) return stop();
    video.srcObject = stream;
    await video.play();
    const formats = globalThis.BarcodeDetector ? await globalThis.BarcodeDetector.getSupportedFormats() : [];
    const detector = formats.includes('qr_code') ? new globalThis.BarcodeDetector({ formats: ['qr_code'] }) : null;
    const look = async () => {
      if (stopped || !video.isConnected) return stop();
      let text = null;
      if (video.videoWidth) {
        if (detector) {
          text = (await detector.detect(video))[0]?.rawValue ?? null;
        } else {
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const context = canvas.getContext('2d', { willReadFrequently: true });
          context.drawImage(video, 0, 0);
          const frame = context.getImageData(0, 0, canvas.width, canvas.height);
          text = jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
        }
      }
      if (text && onText(text) === true) return stop();
      timer = setTimeout(() => look().catch(onFail), SCAN_EVERY_MS);
    };
    await look();
  })().catch((err) => {
    stop();
    onFail(err);
  });
  return stop;
}
