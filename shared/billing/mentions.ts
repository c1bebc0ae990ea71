/**
 * The payment and late-payment mentions a French B2B invoice must carry (Code de commerce,
 * art. L441-9, L441-10 and D441-5): payment date, no discount for early payment, penalty rate,
 * and the flat 40 € recovery fee.
 */
export function paymentTerms(days: number): string {
  return (
    `Paiement à ${days} jours date de facture, par virement ou carte (lien de paiement). Pas d'escompte pour paiement anticipé. ` +
    "En cas de retard de paiement : pénalités au taux d'intérêt appliqué par la BCE à son opération de refinancement la plus récente majoré de 10 points, " +
    'et indemnité forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).'
  );
}
