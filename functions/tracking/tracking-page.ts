import { config } from '../../shared/config.js';
import { apiHandler } from '../../shared/http/handler.js';
import { trackingRoutes } from '../../shared/tracking/routes.js';
import { negotiateLanguage } from '../../shared/tracking/i18n.js';
import { HTML_CONTENT_TYPE, pageHeaders, renderNotFoundPage, renderTrackingPage } from '../../shared/tracking/page.js';
import { trackingRequest } from '../../shared/tracking/service.js';

export const handler = apiHandler(trackingRoutes.trackingPage, async ({ params, query, headers, sourceIp }) => {
  const language = negotiateLanguage(query.lang, headers['accept-language']);
  const now = Date.now();
  const view = await trackingRequest(params.token, sourceIp, now);
  return {
    status: view ? 200 : 404,
    contentType: HTML_CONTENT_TYPE,
    headers: pageHeaders(language),
    body: view ? renderTrackingPage(view, language, now) : renderNotFoundPage(language, config.hubName, config.trackingRetentionDays),
  };
});
