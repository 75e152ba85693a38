/*
Copyright 2026 The Security Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package controllers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/securityoperator/security-operator/api/v1alpha1"
	"github.com/securityoperator/security-operator/internal/credentials"
	"github.com/securityoperator/security-operator/internal/graph"
)

// indexSecretRef is a field index of Securities by the Secret they name, so
// that a changed Secret finds its Securities without listing all of them.
const indexSecretRef = ".spec.credentials.secretRef.name"

func indexBySecretRef(o client.Object) []string {
	obj, ok := o.(*v1alpha1.Security)
	if !ok || obj.Spec.Credentials.SecretRef == nil {
		return nil
	}
	return []string{obj.Spec.Credentials.SecretRef.Name}
}

// errCredentials marks a failure that only a change to the Secret or the
// spec's credentials can fix.
var errCredentials = errors.New("invalid credentials")

// tenant builds the Graph tenant of obj with a cached credential. It reads
// the Secret straight from the API server: the manager caches no Secret
// data, only Secret metadata to notice changes.
func (r *SecurityReconciler) tenant(ctx context.Context, obj *v1alpha1.Security) (graph.Tenant, outcome, bool) {
	src, err := r.credentialSource(ctx, obj)
	if err != nil {
		return graph.Tenant{}, credentialsOutcome(err), false
	}
	cred, err := r.Credentials.Credential(src)
	if err != nil {
		return graph.Tenant{}, credentialsOutcome(err), false
	}
	r.lastCredentials.Store(keyOf(obj), cred)
	return graph.Tenant{
		ID:         obj.Spec.TenantID,
		Cloud:      cloudName(obj),
		Version:    graphVersion(obj),
		Credential: cred,
	}, outcome{}, true
}

func credentialsOutcome(err error) outcome {
	if errors.Is(err, errCredentials) || errors.Is(err, credentials.ErrInvalid) {
		return stalled(v1alpha1.ReasonCredentialsInvalid, "%s", err.Error())
	}
	return outcome{
		reason:   v1alpha1.ReasonProgressing,
		message:  err.Error(),
		retrying: true,
		err:      err,
	}
}

// credentialSource reads the credentials that obj names. Errors name the
// Secret and the key, never a value.
func (r *SecurityReconciler) credentialSource(ctx context.Context, obj *v1alpha1.Security) (credentials.Source, error) {
	src := credentials.Source{
		Cloud:    cloudName(obj),
		TenantID: obj.Spec.TenantID,
	}
	if wi := obj.Spec.Credentials.WorkloadIdentity; wi != nil {
		src.ClientID = wi.ClientID
		src.WorkloadIdentity = true
		return src, nil
	}
	ref := obj.Spec.Credentials.SecretRef
	if ref == nil {
		return src, fmt.Errorf("%w: spec.credentials names neither secretRef nor workloadIdentity", errCredentials)
	}
	secret := &corev1.Secret{}
	key := types.NamespacedName{Namespace: obj.Namespace, Name: ref.Name}
	if err := r.APIReader.Get(ctx, key, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return src, fmt.Errorf("%w: Secret %s not found", errCredentials, key)
		}
		return src, fmt.Errorf("failed to read Secret %s: %w", key, err)
	}
	return sourceFromSecret(src, secret)
}

// guidPattern is the form of an app's client ID, the same pattern that the
// CRD enforces on workloadIdentity.clientID.
var guidPattern = regexp.MustCompile(
	`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// exampleClientID shows the GUID form in messages. It is the user guide's
// example, not a real app.
const exampleClientID = "8b1e0f6a-0c1d-4e8b-9a51-3f2f4e1c2d3b"

// sourceFromSecret reads the client ID and exactly one kind of credentials
// from secret. It trims white space around clientID and clientSecret,
// because `kubectl create secret --from-file` keeps a file's trailing
// newline. That assumes no client secret starts or ends with white space.
// PEM decoding skips white space, so tls.crt and tls.key stay as they are.
// Errors name the Secret and the key, never a value.
func sourceFromSecret(src credentials.Source, secret *corev1.Secret) (credentials.Source, error) {
	name := secret.Namespace + "/" + secret.Name
	clientID, err := clientIDFromSecret(name, secret)
	if err != nil {
		return src, err
	}
	src.ClientID = clientID
	clientSecret := strings.TrimSpace(string(secret.Data[v1alpha1.SecretKeyClientSecret]))
	crt, key := secret.Data[v1alpha1.SecretKeyCertificate], secret.Data[v1alpha1.SecretKeyPrivateKey]
	hasCertificate := len(bytes.TrimSpace(crt)) > 0 || len(bytes.TrimSpace(key)) > 0
	switch {
	case clientSecret != "" && hasCertificate:
		return src, fmt.Errorf("%w: Secret %s has both %s and %s/%s. Keep only %s, or only the pair %s and %s",
			errCredentials, name, v1alpha1.SecretKeyClientSecret,
			v1alpha1.SecretKeyCertificate, v1alpha1.SecretKeyPrivateKey, v1alpha1.SecretKeyClientSecret,
			v1alpha1.SecretKeyCertificate, v1alpha1.SecretKeyPrivateKey)
	case clientSecret != "":
		src.ClientSecret = clientSecret
		return src, nil
	case len(crt) > 0 && len(key) > 0:
		src.CertificatePEM, src.PrivateKeyPEM = crt, key
		return src, nil
	}
	return src, fmt.Errorf("%w: Secret %s needs the key %s, or both %s and %s",
		errCredentials, name, v1alpha1.SecretKeyClientSecret,
		v1alpha1.SecretKeyCertificate, v1alpha1.SecretKeyPrivateKey)
}

// clientIDFromSecret returns the trimmed clientID of the Secret. It checks
// the GUID form before any token request, because the token endpoint's
// error echoes the client ID, and a clientID swapped with clientSecret
// would put the secret into the condition, an Event and the log.
func clientIDFromSecret(name string, secret *corev1.Secret) (string, error) {
	raw, ok := secret.Data[v1alpha1.SecretKeyClientID]
	if !ok {
		return "", fmt.Errorf("%w: Secret %s has no key %s", errCredentials, name, v1alpha1.SecretKeyClientID)
	}
	clientID := strings.TrimSpace(string(raw))
	if clientID == "" {
		return "", fmt.Errorf("%w: Secret %s: key %s is empty", errCredentials, name, v1alpha1.SecretKeyClientID)
	}
	if !guidPattern.MatchString(clientID) {
		return "", fmt.Errorf("%w: Secret %s: key %s is not a GUID such as %s. "+
			"Check that %s and %s are not swapped",
			errCredentials, name, v1alpha1.SecretKeyClientID, exampleClientID,
			v1alpha1.SecretKeyClientID, v1alpha1.SecretKeyClientSecret)
	}
	return clientID, nil
}

func graphVersion(obj *v1alpha1.Security) string {
	if obj.Spec.GraphVersion == "" {
		return "v1.0"
	}
	return obj.Spec.GraphVersion
}
